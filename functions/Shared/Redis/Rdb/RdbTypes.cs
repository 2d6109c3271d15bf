namespace DisasterRecovery.Redis.Rdb;

/// <summary>The value types an RDB file (and a DUMP payload) starts a value with, as Redis' rdb.h numbers them.</summary>
internal static class RdbTypes
{
    public const byte String = 0;
    public const byte List = 1;
    public const byte Set = 2;
    public const byte SortedSet = 3;
    public const byte Hash = 4;
    public const byte SortedSet2 = 5;
    public const byte ModulePreRelease = 6;
    public const byte Module2 = 7;
    public const byte HashZipmap = 9;
    public const byte ListZiplist = 10;
    public const byte SetIntset = 11;
    public const byte SortedSetZiplist = 12;
    public const byte HashZiplist = 13;
    public const byte ListQuicklist = 14;
    public const byte StreamListpacks = 15;
    public const byte HashListpack = 16;
    public const byte SortedSetListpack = 17;
    public const byte ListQuicklist2 = 18;
    public const byte StreamListpacks2 = 19;
    public const byte SetListpack = 20;
    public const byte StreamListpacks3 = 21;
}
