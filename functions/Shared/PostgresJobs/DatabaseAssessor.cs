using DisasterRecovery.Core.Logging;
using DisasterRecovery.Postgres;
using Npgsql;

namespace DisasterRecovery.PostgresJobs;

/// <summary>Reads the plan's assessment query (<c>SELECT * FROM pg_stat_database</c>) for one database, plus its size and table count.</summary>
public sealed class DatabaseAssessor(TimeProvider time)
{
    private const string Query = """
        SELECT current_setting('server_version'),
               pg_database_size(d.datname),
               (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'),
               (SELECT COALESCE(sum(GREATEST(c.reltuples, 0)), 0)::bigint FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'),
               s.numbackends, s.xact_commit, s.xact_rollback, s.deadlocks, s.conflicts, s.checksum_failures, s.stats_reset
        FROM pg_catalog.pg_database d JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid
        WHERE d.datname = current_database()
        """;

    /// <summary>Assesses <paramref name="database"/>; connection problems come back in the result.</summary>
    public async Task<PostgresAssessResult> AssessAsync(PostgresEndpoint database, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        try
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(Query, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresAssessResult(
                database.ToString(), true, null, reader.GetString(0), reader.GetInt64(1), (int)reader.GetInt64(2), reader.GetInt64(3),
                reader.GetInt32(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9),
                reader.IsDBNull(10) ? null : new DateTimeOffset(reader.GetDateTime(10), TimeSpan.Zero),
                at);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            var problem = e is PostgresException p ? $"{p.SqlState}: {p.MessageText}" : e.Message;
            return new PostgresAssessResult(
                database.ToString(), false, SecretRedactor.Redact(problem), null, null, null, null, null, null, null, null, null, null, null, at);
        }
    }
}
