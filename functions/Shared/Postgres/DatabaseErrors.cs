using System.Net.Sockets;
using DisasterRecovery.Core;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Turns what Npgsql and the client programs throw into the platform's named errors, so a state
/// machine can tell "retry later" (unreachable, connection lost) from "fix the input" (password, name).
/// </summary>
internal static class DatabaseErrors
{
    /// <summary>Opens a connection, naming the failure: unreachable, authentication, unknown database.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(PostgresEndpoint endpoint, string? database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(endpoint.ConnectionString(database));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw ForConnect(e, endpoint.WithDatabase(database ?? endpoint.Database));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The named error for a failed connection attempt.</summary>
    public static Exception ForConnect(Exception e, PostgresEndpoint endpoint)
    {
        if (e is PostgresException pg)
        {
            return pg.SqlState switch
            {
                PostgresErrorCodes.InvalidCatalogName =>
                    new DatabaseNotFoundException($"database '{endpoint.Database}' does not exist on {endpoint.Host}:{endpoint.Port}", e),
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new DatabaseAuthenticationException($"{endpoint.Host}:{endpoint.Port} refused user '{endpoint.Username}': {pg.MessageText} ({pg.SqlState})", e),
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown =>
                    new DatabaseUnreachableException($"{endpoint.Host}:{endpoint.Port} is not accepting connections now: {pg.MessageText} ({pg.SqlState})", e),
                _ => new DatabaseOperationException($"connecting to {endpoint}: {pg.MessageText} ({pg.SqlState})", e),
            };
        }

        return new DatabaseUnreachableException($"cannot reach PostgreSQL at {endpoint.Host}:{endpoint.Port}: {Innermost(e).Message}", e);
    }

    /// <summary>
    /// The named error for a failure while working on an open connection; <paramref name="what"/> says what
    /// was being done (e.g. "copying public.users").
    /// </summary>
    public static Exception ForOperation(Exception e, string what, CancellationToken cancellationToken)
    {
        if (e is DisasterRecoveryException)
        {
            return e;
        }

        if (cancellationToken.IsCancellationRequested && e is OperationCanceledException or NpgsqlException)
        {
            return new DeadlineExceededException($"cancelled while {what} (deadline reached or caller cancelled); nothing was committed", e);
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
                return new DeadlineExceededException($"the server cancelled the statement while {what}: {pg.MessageText}; nothing was committed", e);
            }

            var where = pg.TableName is null ? string.Empty : $" (table {pg.SchemaName}.{pg.TableName})";
            return new DatabaseOperationException($"the server refused a statement while {what}{where}: {pg.MessageText} ({pg.SqlState})", e);
        }

        if (e is NpgsqlException or IOException or SocketException or ObjectDisposedException)
        {
            return new DatabaseConnectionLostException($"the connection was lost while {what}: {Innermost(e).Message}; nothing was committed", e);
        }

        if (e is OperationCanceledException)
        {
            return new DeadlineExceededException($"cancelled while {what}; nothing was committed", e);
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
