namespace DisasterRecovery.LocalS3.Storage;

/// <summary>
/// Orders keys as S3 does: by their UTF-8 bytes, which equals Unicode code point order. Plain ordinal
/// UTF-16 comparison differs for characters above U+FFFF versus U+E000-U+FFFF, so surrogates are shifted.
/// A sentinel instance sorts after every key, to open-ended range views of a SortedSet.
/// </summary>
internal sealed class KeyOrder : IComparer<string>
{
    public static readonly KeyOrder Instance = new();

    /// <summary>Sorts after every real key (compared by reference, never by content).</summary>
    public static readonly string Max = new('\uFFFF', 1);

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (ReferenceEquals(x, Max))
        {
            return 1;
        }

        if (ReferenceEquals(y, Max))
        {
            return -1;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return CodePointRank(x[i]) - CodePointRank(y[i]);
            }
        }

        return x.Length - y.Length;
    }

    private static int CodePointRank(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };
}
