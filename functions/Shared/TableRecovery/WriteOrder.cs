using DisasterRecovery.Core;
using Npgsql;

namespace DisasterRecovery.TableRecovery;

/// <summary>A foreign key between two of a request's tables, found on either table, one of their partitions or a partitioned table above them.</summary>
/// <param name="Referencing">The table whose rows point at the other's.</param>
/// <param name="Referenced">The table pointed at.</param>
/// <param name="Constraint">The constraint, schema-qualified and quoted (what SET CONSTRAINTS takes).</param>
/// <param name="Deferrable">Whether its check can wait until commit.</param>
/// <param name="Enforced">True when production has it (it is checked as rows are written); false when only the recovered instance has it (a
/// recreated table's keys come after its rows, so they never order the writes).</param>
internal sealed record ForeignKeyEdge(TablePlan Referencing, TablePlan Referenced, string Constraint, bool Deferrable, bool Enforced)
{
    public override string ToString() => $"{Constraint} ({Referencing.Display} → {Referenced.Display})";
}

/// <summary>
/// The order rows are written in, from the catalogs rather than the request: every referenced table before the tables that
/// reference it (inserts; deletes go the other way), ties kept in request order. Keys come from production (they are what
/// is checked as rows go in) and from the recovered instance (so a recreated table still follows its parents). A cycle of
/// keys production checks is written with those keys deferred to commit when all are DEFERRABLE, and refused otherwise.
/// </summary>
internal sealed class WriteOrder
{
    private WriteOrder(IReadOnlyList<TablePlan> inserts, IReadOnlyList<ForeignKeyEdge> deferred)
    {
        Inserts = inserts;
        Deferred = deferred;
    }

    /// <summary>Parents first.</summary>
    public IReadOnlyList<TablePlan> Inserts { get; }

    /// <summary>Children first: the order rows are removed in.</summary>
    public IEnumerable<TablePlan> Deletes => Inserts.Reverse();

    /// <summary>Keys of a cycle, to be deferred to commit (<see cref="SetConstraintsSql"/>).</summary>
    public IReadOnlyList<ForeignKeyEdge> Deferred { get; }

    /// <summary><c>SET CONSTRAINTS … DEFERRED</c> for <see cref="Deferred"/>; null when there is nothing to defer.</summary>
    public string? SetConstraintsSql => Deferred.Count == 0
        ? null
        : "SET CONSTRAINTS " + string.Join(", ", Deferred.Select(e => e.Constraint).Distinct(StringComparer.Ordinal)) + " DEFERRED";

    /// <summary>Reads the keys among <paramref name="plans"/> on both sides (either may be null) and orders the plans.</summary>
    public static async Task<WriteOrder> PlanAsync(NpgsqlConnection? source, NpgsqlConnection? target, IReadOnlyList<TablePlan> plans,
        CancellationToken cancellationToken)
    {
        var edges = new List<ForeignKeyEdge>();
        if (target is not null)
        {
            edges.AddRange(await ReadAsync(target, plans, p => p.Production, enforced: true, cancellationToken).ConfigureAwait(false));
        }

        if (source is not null)
        {
            edges.AddRange(await ReadAsync(source, plans, p => p.Source, enforced: false, cancellationToken).ConfigureAwait(false));
        }

        return Of(plans, edges);
    }

    /// <summary>Orders <paramref name="plans"/> by <paramref name="edges"/>; <see cref="InvalidInputException"/> (field <c>tables</c>) for a cycle
    /// that cannot be deferred.</summary>
    public static WriteOrder Of(IReadOnlyList<TablePlan> plans, IReadOnlyList<ForeignKeyEdge> edges)
    {
        var pending = edges.ToList();
        var order = new List<TablePlan>();
        var deferred = new List<ForeignKeyEdge>();
        var remaining = plans.ToList();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(p => !pending.Any(e => e.Referencing == p && remaining.Contains(e.Referenced)));
            if (next is not null)
            {
                order.Add(next);
                remaining.Remove(next);
                continue;
            }

            // Stuck: keys production does not check are only preferences, so give those up first.
            var among = pending.Where(e => remaining.Contains(e.Referencing) && remaining.Contains(e.Referenced)).ToList();
            if (among.Any(e => !e.Enforced))
            {
                pending.RemoveAll(e => !e.Enforced && among.Contains(e));
                continue;
            }

            var cycle = FindCycle(remaining, among);
            var blocking = cycle.Where(e => !e.Deferrable).ToList();
            if (blocking.Count > 0)
            {
                throw new InvalidInputException("tables",
                    $"{string.Join(", ", cycle.Select(e => e.Referencing.Display).Distinct(StringComparer.Ordinal))} reference each other through " +
                        $"{string.Join(", ", cycle)}, and {string.Join(", ", blocking.Select(e => e.Constraint))} " +
                        $"{(blocking.Count == 1 ? "is" : "are")} not deferrable, so production would refuse the rows in any order. Make " +
                        "the keys DEFERRABLE, or bring the rows back with side-table. Nothing was written");
            }

            deferred.AddRange(cycle);
            pending.RemoveAll(cycle.Contains);
        }

        return new WriteOrder(order, deferred);
    }

    private static List<ForeignKeyEdge> FindCycle(List<TablePlan> remaining, List<ForeignKeyEdge> among)
    {
        // Every remaining table has a parent among the remaining ones, so walking to parents must come back to a table already seen.
        var path = new List<ForeignKeyEdge>();
        var visited = new List<TablePlan>();
        var current = remaining[0];
        while (!visited.Contains(current))
        {
            visited.Add(current);
            var edge = among.First(e => e.Referencing == current);
            path.Add(edge);
            current = edge.Referenced;
        }

        var start = visited.IndexOf(current);
        var cycle = path.Skip(start).ToList();

        // Every key between two tables of the cycle takes part in it (two keys may join the same pair).
        var tables = cycle.Select(e => e.Referencing).ToHashSet();
        return among.Where(e => tables.Contains(e.Referencing) && tables.Contains(e.Referenced)).ToList();
    }

    private static async Task<IReadOnlyList<ForeignKeyEdge>> ReadAsync(NpgsqlConnection connection, IReadOnlyList<TablePlan> plans,
        Func<TablePlan, RelationInfo?> relation, bool enforced, CancellationToken cancellationToken)
    {
        var byOid = plans.Where(p => relation(p) is not null).ToDictionary(p => relation(p)!.Oid);
        if (byOid.Count < 2)
        {
            return [];
        }

        var keys = await SystemCatalog.ForeignKeyEdgesAsync(connection, byOid.Keys.ToArray(), cancellationToken).ConfigureAwait(false);
        return keys.Select(k => new ForeignKeyEdge(byOid[k.Referencing], byOid[k.Referenced], k.Constraint, k.Deferrable, enforced)).ToList();
    }
}
