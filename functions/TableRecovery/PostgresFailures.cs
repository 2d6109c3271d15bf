using System.Net.Sockets;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;
using Npgsql;

namespace DisasterRecovery.Functions.TableRecovery;

/// <summary>
/// Names what Npgsql throws with the platform's error types, as <c>DatabaseErrors</c> in the shared PostgreSQL library
/// does (that class is internal there; this is the same mapping, kept minimal): unreachable / authentication / unknown
/// database when connecting; connection lost / deadline / refused statement while working.
/// </summary>
internal static class PostgresFailures
{
    /// <summary>Opens a connection, naming the failure. <paramref name="role"/> says which side it is (source, target) for messages.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(PostgresEndpoint endpoint, string role, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(endpoint.ConnectionString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new DeadlineExceededException($"cancelled while connecting to the {role} database {endpoint}; nothing was written", e);
            }

            throw ForConnect(e, endpoint, role);
        }
    }

    /// <summary>The named error for a failed connection attempt; never includes the password.</summary>
    public static Exception ForConnect(Exception e, PostgresEndpoint endpoint, string role)
    {
        if (e is PostgresException pg)
        {
            return pg.SqlState switch
            {
                PostgresErrorCodes.InvalidCatalogName =>
                    new DatabaseNotFoundException($"{role}: database '{endpoint.Database}' does not exist on {endpoint.Host}:{endpoint.Port}", e),
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new DatabaseAuthenticationException($"{role}: {endpoint.Host}:{endpoint.Port} refused user '{endpoint.Username}': {pg.MessageText} ({pg.SqlState})", e),
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown =>
                    new DatabaseUnreachableException($"{role}: {endpoint.Host}:{endpoint.Port} is not accepting connections now: {pg.MessageText} ({pg.SqlState})", e),
                _ => new DatabaseOperationException($"{role}: connecting to {endpoint}: {pg.MessageText} ({pg.SqlState})", e),
            };
        }

        return new DatabaseUnreachableException($"{role}: cannot reach PostgreSQL at {endpoint.Host}:{endpoint.Port}: {Innermost(e).Message}", e);
    }

    /// <summary>
    /// The named error for a failure on an open connection; <paramref name="what"/> says what was being done. Every
    /// message ends by saying nothing was committed: the caller rolls production's transaction back before rethrowing.
    /// </summary>
    public static Exception ForOperation(Exception e, string what, CancellationToken cancellationToken)
    {
        if (e is DisasterRecoveryException)
        {
            return e;
        }

        if (cancellationToken.IsCancellationRequested && e is OperationCanceledException or NpgsqlException)
        {
            return new DeadlineExceededException($"cancelled while {what} (deadline reached or caller cancelled); rolled back, nothing was committed", e);
        }

        if (e is PostgresException pg)
        {
            if (pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.ConnectionFailure or PostgresErrorCodes.ConnectionException or PostgresErrorCodes.IdleSessionTimeout)
            {
                return new DatabaseConnectionLostException($"the server closed the connection while {what}: {pg.MessageText} ({pg.SqlState}); nothing was committed", e);
            }

            if (pg.SqlState == PostgresErrorCodes.QueryCanceled)
            {
                return new DeadlineExceededException($"the server cancelled the statement while {what}: {pg.MessageText}; rolled back, nothing was committed", e);
            }

            var where = pg.TableName is null ? string.Empty : $" (table {pg.SchemaName}.{pg.TableName}{(pg.ConstraintName is null ? string.Empty : $", constraint {pg.ConstraintName}")})";
            // The server's DETAIL is left out on purpose: it can quote row contents ("Failing row contains (…)").
            return new DatabaseOperationException($"the server refused a statement while {what}{where}: {pg.MessageText} ({pg.SqlState}); rolled back, nothing was committed", e);
        }

        if (e is NpgsqlException or IOException or SocketException or ObjectDisposedException)
        {
            return new DatabaseConnectionLostException($"the connection was lost while {what}: {Innermost(e).Message}; nothing was committed", e);
        }

        if (e is OperationCanceledException)
        {
            return new DeadlineExceededException($"cancelled while {what}; rolled back, nothing was committed", e);
        }

        return e;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
