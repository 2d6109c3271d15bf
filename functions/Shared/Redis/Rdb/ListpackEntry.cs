using System.Buffers.Text;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>One entry of a listpack or ziplist: an integer, or a string (a slice of the blob).</summary>
internal readonly ref struct ListpackEntry
{
    public ListpackEntry(bool isInteger, long integer, ReadOnlySpan<byte> text)
    {
        IsInteger = isInteger;
        Integer = integer;
        Text = text;
    }

    public bool IsInteger { get; }

    public long Integer { get; }

    public ReadOnlySpan<byte> Text { get; }

    /// <summary>The integer, also when it is stored as a string of digits.</summary>
    public bool TryGetInteger(out long value)
    {
        if (IsInteger)
        {
            value = Integer;
            return true;
        }

        return Utf8Parser.TryParse(Text, out value, out var consumed) && consumed == Text.Length;
    }
}
