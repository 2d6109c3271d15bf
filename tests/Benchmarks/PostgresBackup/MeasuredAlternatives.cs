using DisasterRecovery.Postgres;

/// <summary>
/// Options measured slower than the production data path, kept here (not in production) so that they can
/// be measured again on other hardware: RESULTS.md's design table says what each cost.
/// </summary>
internal static class MeasuredAlternatives
{
    /// <summary>
    /// Tables larger on disk than <paramref name="splitBytes"/> copied as page ranges of that size in
    /// parallel (TID range scans: PostgreSQL 14+). A TID range scan is not a bulk read: it pulls the table
    /// through all of <c>shared_buffers</c>, and each new backend first-touches every buffer.
    /// </summary>
    public static Func<DumpableTable, IEnumerable<PostgresDumper.WorkUnit>> PageRanges(long splitBytes)
    {
        var splitPages = Math.Max(1, splitBytes / 8192);
        return table =>
        {
            if (table.Pages <= splitPages * 3 / 2)
            {
                return [new PostgresDumper.WorkUnit(table, null, null, table.RelationSize)];
            }

            var units = new List<PostgresDumper.WorkUnit>();
            for (long from = 0; from < table.Pages; from += splitPages)
            {
                var last = from + splitPages >= table.Pages;
                units.Add(new PostgresDumper.WorkUnit(table, from, last ? null : from + splitPages, Math.Min(splitPages, table.Pages - from) * 8192));
            }

            return units;
        };
    }

    /// <summary>A table holding more than 1/(2N) of the data loaded chunk by chunk over all N connections (no COPY FREEZE).</summary>
    public static Func<long, long, bool> SplitLargeTables(int workers) => (size, total) => size * 2 * workers > total;
}
