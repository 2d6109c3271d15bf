namespace DisasterRecovery.Redis.Rdb;

/// <summary>The opcodes between values in an RDB file (rdb.h), and the sub-opcodes of a module value.</summary>
internal static class RdbOpcodes
{
    public const byte Function2 = 245;
    public const byte FunctionPreRelease = 246;
    public const byte ModuleAux = 247;
    public const byte Idle = 248;
    public const byte Frequency = 249;
    public const byte Aux = 250;
    public const byte ResizeDatabase = 251;
    public const byte ExpireTimeMilliseconds = 252;
    public const byte ExpireTime = 253;
    public const byte SelectDatabase = 254;
    public const byte EndOfFile = 255;

    public const ulong ModuleEndOfValue = 0;
    public const ulong ModuleSignedInteger = 1;
    public const ulong ModuleUnsignedInteger = 2;
    public const ulong ModuleFloat = 3;
    public const ulong ModuleDouble = 4;
    public const ulong ModuleString = 5;
}
