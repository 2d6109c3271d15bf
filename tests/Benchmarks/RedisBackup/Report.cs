using System.Globalization;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>Number formats and statistics of the report.</summary>
internal static class Report
{
    public static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");

    public static string Sec(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:F2} s");

    public static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F2} ms");

    public static string Ratio(double value, double reference) => string.Create(CultureInfo.InvariantCulture, $"{value / reference:F2}×");

    public static string Runs(IEnumerable<double> seconds) => string.Join("/", seconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)));

    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The nearest-rank percentile (0 &lt; <paramref name="fraction"/> ≤ 1).</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Parses a size: bytes, or a number with KB/MB/GB (binary units: 1GB = 2^30 bytes).</summary>
    public static long ParseSize(string text)
    {
        var upper = text.Trim().ToUpperInvariant().TrimEnd('B');
        var (number, shift) = upper[^1] switch
        {
            'K' => (upper[..^1], 10),
            'M' => (upper[..^1], 20),
            'G' => (upper[..^1], 30),
            _ => (upper, 0),
        };
        return (long)(double.Parse(number, CultureInfo.InvariantCulture) * (1L << shift));
    }

    public static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.##} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.##} MiB");
}
