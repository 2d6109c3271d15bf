using System.Globalization;
using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// Reads one value of a given RDB type, checking every structure in it: lengths, strings, doubles, the compact
/// encodings (ziplist, listpack, intset, zipmap) entry by entry, quicklist nodes, stream nodes, consumer groups and
/// their pending entries, module values by their sub-opcodes. Keeps no element: only what a check needs.
/// </summary>
internal static class RdbValueReader
{
    private const int StreamIdLength = 16;

    public static void Read(RdbInput input, byte type, long typeOffset)
    {
        switch (type)
        {
            case RdbTypes.String:
                input.SkipString("a string value");
                break;
            case RdbTypes.List:
            case RdbTypes.Set:
                SkipStrings(input, input.ReadLength("the element count"), "an element");
                break;
            case RdbTypes.Hash:
                SkipStrings(input, checked(input.ReadLength("the field count") * 2), "a field or value");
                break;
            case RdbTypes.SortedSet:
            case RdbTypes.SortedSet2:
                ReadSortedSet(input, binaryScores: type == RdbTypes.SortedSet2);
                break;
            case RdbTypes.ModulePreRelease:
                throw new RdbFormatException(typeOffset, "a value type other than 6",
                    "a module value in the Redis 4.0 release-candidate format, which cannot be read without its module");
            case RdbTypes.Module2:
                input.ReadLength("the module id");
                ReadModuleValue(input);
                break;
            case RdbTypes.HashZipmap:
                Blob(input, "a zipmap", ZipmapFormat.Validate);
                break;
            case RdbTypes.SetIntset:
                Blob(input, "an intset", IntsetFormat.Validate);
                break;
            case RdbTypes.ListZiplist:
                Blob(input, "a list ziplist", blob => Ziplist(blob, pairs: false));
                break;
            case RdbTypes.SortedSetZiplist:
            case RdbTypes.HashZiplist:
                Blob(input, "a ziplist of pairs", blob => Ziplist(blob, pairs: true));
                break;
            case RdbTypes.HashListpack:
            case RdbTypes.SortedSetListpack:
                Blob(input, "a listpack of pairs", blob => Listpack(blob, pairs: true));
                break;
            case RdbTypes.SetListpack:
                Blob(input, "a set listpack", blob => Listpack(blob, pairs: false));
                break;
            case RdbTypes.ListQuicklist:
                ReadQuicklist(input, version2: false);
                break;
            case RdbTypes.ListQuicklist2:
                ReadQuicklist(input, version2: true);
                break;
            case RdbTypes.StreamListpacks:
            case RdbTypes.StreamListpacks2:
            case RdbTypes.StreamListpacks3:
                ReadStream(input, type);
                break;
            default:
                throw new RdbFormatException(typeOffset, "an opcode or a value type Redis 7 writes",
                    type.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A module value's (or module AUX record's) sub-opcodes, up to their end marker.</summary>
    public static void ReadModuleValue(RdbInput input)
    {
        while (true)
        {
            var at = input.Offset;
            var opcode = input.ReadLength("a module value opcode");
            switch (opcode)
            {
                case RdbOpcodes.ModuleEndOfValue:
                    return;
                case RdbOpcodes.ModuleSignedInteger:
                case RdbOpcodes.ModuleUnsignedInteger:
                    input.ReadLength("a module integer");
                    break;
                case RdbOpcodes.ModuleFloat:
                    input.ReadBinaryFloat("a module float");
                    break;
                case RdbOpcodes.ModuleDouble:
                    input.ReadBinaryDouble("a module double");
                    break;
                case RdbOpcodes.ModuleString:
                    input.SkipString("a module string");
                    break;
                default:
                    throw new RdbFormatException(at, "a module value opcode (0 to 5)", opcode.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private static void SkipStrings(RdbInput input, ulong count, string what)
    {
        for (ulong i = 0; i < count; i++)
        {
            input.SkipString(what);
        }
    }

    private static void ReadSortedSet(RdbInput input, bool binaryScores)
    {
        var count = input.ReadLength("the member count");
        for (ulong i = 0; i < count; i++)
        {
            input.SkipString("a member");
            var at = input.Offset;
            var score = binaryScores ? input.ReadBinaryDouble("a score") : input.ReadStringDouble("a score");
            if (double.IsNaN(score))
            {
                throw new RdbFormatException(at, "a score that is a number", "NaN");
            }
        }
    }

    private delegate int BlobCheck(EncodedBlob blob);

    private static int Blob(RdbInput input, string what, BlobCheck check)
    {
        var at = input.Offset;
        var bytes = input.ReadString(what);
        return check(new EncodedBlob(bytes, at, what));
    }

    private static int Ziplist(EncodedBlob blob, bool pairs)
    {
        var cursor = new ZiplistCursor(blob);
        while (cursor.Next(out _))
        {
        }

        return CheckCount(blob, cursor.Count, pairs);
    }

    private static int Listpack(EncodedBlob blob, bool pairs)
    {
        var cursor = new ListpackCursor(blob);
        while (cursor.Next(out _))
        {
        }

        return CheckCount(blob, cursor.Count, pairs);
    }

    private static int CheckCount(EncodedBlob blob, int count, bool pairs)
    {
        if (count == 0)
        {
            throw blob.Problem(0, "at least one element (Redis never stores an empty value)");
        }

        if (pairs && count % 2 != 0)
        {
            throw blob.Problem(0, "an even number of elements (pairs)", count.ToString(CultureInfo.InvariantCulture));
        }

        return count;
    }

    private static void ReadQuicklist(RdbInput input, bool version2)
    {
        var nodes = input.ReadLength("the quicklist node count");
        for (ulong i = 0; i < nodes; i++)
        {
            if (!version2)
            {
                Blob(input, "a quicklist node (ziplist)", blob => Ziplist(blob, pairs: false));
                continue;
            }

            var at = input.Offset;
            var container = input.ReadLength("a quicklist node's container");
            switch (container)
            {
                case 1:
                    input.SkipString("a quicklist plain node");
                    break;
                case 2:
                    Blob(input, "a quicklist node (listpack)", blob => Listpack(blob, pairs: false));
                    break;
                default:
                    throw new RdbFormatException(at, "a quicklist container (1 plain, 2 packed)", container.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    private static void ReadStream(RdbInput input, byte type)
    {
        var nodes = input.ReadLength("the stream's listpack count");
        long liveEntries = 0;
        for (ulong i = 0; i < nodes; i++)
        {
            var at = input.Offset;
            var nodeKey = input.ReadString("a stream node's master ID");
            if (nodeKey.Length != StreamIdLength)
            {
                throw new RdbFormatException(at, "a 16-byte stream ID", $"{nodeKey.Length} bytes");
            }

            liveEntries += Blob(input, "a stream node listpack", blob => checked((int)StreamListpackFormat.Validate(blob)));
        }

        var lengthAt = input.Offset;
        var length = input.ReadLength("the stream's length");
        if (length != (ulong)liveEntries)
        {
            throw new RdbFormatException(lengthAt, $"the stream's length, {liveEntries} live entries in its nodes",
                length.ToString(CultureInfo.InvariantCulture));
        }

        input.ReadLength("the last ID's milliseconds");
        input.ReadLength("the last ID's sequence");
        if (type >= RdbTypes.StreamListpacks2)
        {
            input.ReadLength("the first ID's milliseconds");
            input.ReadLength("the first ID's sequence");
            input.ReadLength("the max deleted ID's milliseconds");
            input.ReadLength("the max deleted ID's sequence");
            input.ReadLength("the entries-added counter");
        }

        var groups = input.ReadLength("the consumer group count");
        for (ulong g = 0; g < groups; g++)
        {
            ReadConsumerGroup(input, type);
        }
    }

    private static void ReadConsumerGroup(RdbInput input, byte type)
    {
        input.SkipString("a consumer group name");
        input.ReadLength("the group's last-delivered ID milliseconds");
        input.ReadLength("the group's last-delivered ID sequence");
        if (type >= RdbTypes.StreamListpacks2)
        {
            input.ReadLength("the group's entries-read counter");
        }

        var pending = new HashSet<UInt128>();
        var pel = input.ReadLength("the group's pending entry count");
        for (ulong p = 0; p < pel; p++)
        {
            var at = input.Offset;
            if (!pending.Add(ReadStreamId(input, "a pending entry's ID")))
            {
                throw new RdbFormatException(at, "a pending entry ID not already in the group's list");
            }

            input.ReadInt64LittleEndian("a pending entry's delivery time");
            input.ReadLength("a pending entry's delivery count");
        }

        var consumers = input.ReadLength("the group's consumer count");
        for (ulong c = 0; c < consumers; c++)
        {
            input.SkipString("a consumer name");
            input.ReadInt64LittleEndian("a consumer's seen time");
            if (type >= RdbTypes.StreamListpacks3)
            {
                input.ReadInt64LittleEndian("a consumer's active time");
            }

            var owned = input.ReadLength("the consumer's pending entry count");
            for (ulong p = 0; p < owned; p++)
            {
                var at = input.Offset;
                if (!pending.Remove(ReadStreamId(input, "a consumer's pending entry ID")))
                {
                    throw new RdbFormatException(at, "a pending entry ID from the group's list, owned by one consumer");
                }
            }
        }
    }

    private static UInt128 ReadStreamId(RdbInput input, string what)
    {
        var raw = input.ReadSpan(StreamIdLength, what);
        return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(raw),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(raw[8..]));
    }
}
