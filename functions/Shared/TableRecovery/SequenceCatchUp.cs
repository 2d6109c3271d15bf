using Npgsql;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// After rows come back, the table's serial and identity sequences must not hand out a value a restored row already has.
/// Each sequence is moved — forward only — to the furthest of: where it is, the largest value now in its column, and where
/// the recovered instance's sequence for the same column was (so a recreated table continues where it left off).
/// Ascending sequences only; a descending one is reported in the table's warnings.
/// </summary>
internal static class SequenceCatchUp
{
    public static async Task RunAsync(NpgsqlConnection source, NpgsqlConnection target, TablePlan plan, CancellationToken cancellationToken)
    {
        var sequences = await SystemCatalog.SequencesAsync(target, plan.Production!.Oid, cancellationToken).ConfigureAwait(false);
        if (sequences.Count == 0)
        {
            return;
        }

        var recovered = (await SystemCatalog.SequencesAsync(source, plan.Source!.Oid, cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.Column, StringComparer.Ordinal);
        foreach (var sequence in sequences)
        {
            if (sequence.Increment < 0)
            {
                plan.Warnings.Add($"sequence {sequence.SequenceName} descends; it was not adjusted");
                continue;
            }

            var (last, called) = await SystemCatalog.SequenceStateAsync(target, sequence.SequenceSql, cancellationToken).ConfigureAwait(false);

            // Compare "last value handed out": a sequence not yet called hands out last_value next.
            var current = called ? last : last - sequence.Increment;
            var desired = current;
            var desiredCalled = true;
            var maximum = await MaxAsync(target, plan, sequence.Column, cancellationToken).ConfigureAwait(false);
            if (maximum is { } max && max > desired)
            {
                desired = max;
            }

            if (recovered.TryGetValue(sequence.Column, out var twin))
            {
                var (recoveredLast, recoveredCalled) = await SystemCatalog.SequenceStateAsync(source, twin.SequenceSql,
                    cancellationToken).ConfigureAwait(false);
                var recoveredCurrent = recoveredCalled ? recoveredLast : recoveredLast - sequence.Increment;
                if (recoveredCurrent > desired)
                {
                    desired = recoveredLast;
                    desiredCalled = recoveredCalled;
                }
            }

            if (desired > current)
            {
                await using var command = new NpgsqlCommand("SELECT pg_catalog.setval($1::pg_catalog.regclass, $2, $3)", target);
                command.Parameters.Add(new NpgsqlParameter { Value = sequence.SequenceSql });
                command.Parameters.Add(new NpgsqlParameter { Value = desired });
                command.Parameters.Add(new NpgsqlParameter { Value = desiredCalled });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                plan.SequencesAdvanced.Add(sequence.SequenceName);
            }
        }
    }

    private static async Task<long?> MaxAsync(NpgsqlConnection target, TablePlan plan, string column, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT max({SqlText.Ident(column)})::bigint FROM {plan.ProductionFrom}", target);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull or null ? null : (long)value;
    }
}
