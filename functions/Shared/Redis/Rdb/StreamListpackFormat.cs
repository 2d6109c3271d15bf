using System.Globalization;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// The listpack of one stream node: the master entry (live count, deleted count, the master fields, a 0 terminator),
/// then entries of flags, ID deltas, fields and values (or only values when flagged "same fields" as the master),
/// each ending with its own element count. Returns the number of live entries.
/// </summary>
internal static class StreamListpackFormat
{
    private const long DeletedFlag = 1;
    private const long SameFieldsFlag = 2;

    public static long Validate(EncodedBlob blob)
    {
        var cursor = new ListpackCursor(blob);
        var live = cursor.RequireInteger("the stream node's live entry count");
        var deleted = cursor.RequireInteger("the stream node's deleted entry count");
        var masterFields = cursor.RequireInteger("the stream node's master field count");
        if (live < 0 || deleted < 0 || masterFields < 0 || live + deleted == 0)
        {
            throw cursor.Fail("non-negative counts and at least one entry in the stream node");
        }

        for (var i = 0; i < masterFields; i++)
        {
            cursor.Require("a master field");
        }

        if (cursor.RequireInteger("the master entry terminator 0") != 0)
        {
            throw cursor.Fail("the master entry terminator 0");
        }

        long seenLive = 0;
        long seenDeleted = 0;
        while (cursor.Next(out var first))
        {
            if (!first.TryGetInteger(out var flags))
            {
                throw cursor.Fail("a stream entry's flags (an integer)");
            }

            cursor.RequireInteger("a stream entry's millisecond delta");
            cursor.RequireInteger("a stream entry's sequence delta");
            long elements;
            if ((flags & SameFieldsFlag) != 0)
            {
                for (var i = 0; i < masterFields; i++)
                {
                    cursor.Require("a stream entry's value");
                }

                elements = masterFields + 3;
            }
            else
            {
                var fields = cursor.RequireInteger("a stream entry's field count");
                if (fields < 0)
                {
                    throw cursor.Fail("a non-negative field count");
                }

                for (var i = 0; i < fields * 2; i++)
                {
                    cursor.Require("a stream entry's field or value");
                }

                elements = (fields * 2) + 4;
            }

            var declared = cursor.RequireInteger("a stream entry's element count");
            if (declared != elements)
            {
                throw cursor.Fail($"the element count {elements}", declared.ToString(CultureInfo.InvariantCulture));
            }

            if ((flags & DeletedFlag) != 0)
            {
                seenDeleted++;
            }
            else
            {
                seenLive++;
            }
        }

        if (seenLive != live || seenDeleted != deleted)
        {
            throw cursor.Fail($"{live} live and {deleted} deleted entries as the master entry says",
                $"{seenLive} and {seenDeleted}");
        }

        return live;
    }
}
