using System.Net.Sockets;
using DisasterRecovery.Core;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// The one mapping from what Npgsql and the client programs throw to the platform's named errors (their type names are
/// the Step Functions error contract), so a state machine can tell "retry later" (unreachable, connection lost) from
/// "fix the input" (password, name). The engine and table recovery both use it; table recovery names the side of a
/// connection (source, target) and says its transaction was rolled back.
/// </summary>
public static class DatabaseErrors
{
    /// <summary>Opens a connection, naming the failure: unreachable, authentication, unknown database.</summary>
    public static Task<NpgsqlConnection> OpenAsync(PostgresEndpoint endpoint, string? database, CancellationToken cancellationToken) =>
        OpenAsync(endpoint, database, side: null, cancellationToken);

    /// <summary>
    /// Opens a connection, naming the failure and, when <paramref name="side"/> is given (source, target), which database
    /// it was in every message; with a side, a cancellation is <see cref="DeadlineExceededException"/> too (without one it
    /// propagates, for <see cref="ForOperation"/> to name).
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(PostgresEndpoint endpoint, string? database, string? side, CancellationToken cancellationToken)
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
            throw ForConnect(e, endpoint.WithDatabase(database ?? endpoint.Database), side);
        }
        catch (OperationCanceledException e) when (side is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new DeadlineExceededException($"cancelled while connecting to the {side} database {endpoint}; nothing was written", e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The named error for a failed connection attempt, prefixed with <paramref name="side"/> when given; never includes the password.</summary>
    public static Exception ForConnect(Exception e, PostgresEndpoint endpoint, string? side = null)
    {
        var prefix = side is null ? string.Empty : side + ": ";
        if (e is PostgresException pg)
        {
            return pg.SqlState switch
            {
                PostgresErrorCodes.InvalidCatalogName =>
                    new DatabaseNotFoundException($"{prefix}database '{endpoint.Database}' does not exist on {endpoint.Host}:{endpoint.Port}", e),
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new DatabaseAuthenticationException(
                        $"{prefix}{endpoint.Host}:{endpoint.Port} refused user '{endpoint.Username}': {pg.MessageText} ({pg.SqlState})", e),
                PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown =>
                    new DatabaseUnreachableException(
                        $"{prefix}{endpoint.Host}:{endpoint.Port} is not accepting connections now: {pg.MessageText} ({pg.SqlState})", e),
                _ => new DatabaseOperationException($"{prefix}connecting to {endpoint}: {pg.MessageText} ({pg.SqlState})", e),
            };
        }

        return new DatabaseUnreachableException($"{prefix}cannot reach PostgreSQL at {endpoint.Host}:{endpoint.Port}: {Innermost(e).Message}", e);
    }

    /// <summary>
    /// The named error for a failure while working on an open connection; <paramref name="what"/> says what was being
    /// done (e.g. "copying public.users"). With <paramref name="rolledBack"/> (the caller rolls its transaction back
    /// before rethrowing) every message says what was undone.
    /// </summary>
    public static Exception ForOperation(Exception e, string what, CancellationToken cancellationToken, bool rolledBack = false)
    {
        if (e is DisasterRecoveryException)
        {
            return e;
        }

        var undone = rolledBack ? "rolled back, nothing was committed" : "nothing was committed";
        if (cancellationToken.IsCancellationRequested && e is OperationCanceledException or NpgsqlException)
        {
            return new DeadlineExceededException($"cancelled while {what} (deadline reached or caller cancelled); {undone}", e);
        }

        if (e is PostgresException pg)
        {
            if (pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.ConnectionFailure or PostgresErrorCodes.ConnectionException or PostgresErrorCodes.IdleSessionTimeout)
            {
                return new DatabaseConnectionLostException($"the server closed the connection while {what}: {pg.MessageText} ({pg.SqlState}); nothing was " +
                    $"committed", e);
            }

            if (pg.SqlState == PostgresErrorCodes.QueryCanceled)
            {
                return new DeadlineExceededException($"the server cancelled the statement while {what}: {pg.MessageText}; {undone}", e);
            }

            var constraint = pg.ConstraintName is null ? string.Empty : $", constraint {pg.ConstraintName}";
            var where = pg.TableName is null ? string.Empty : $" (table {pg.SchemaName}.{pg.TableName}{constraint})";
            // The server's DETAIL is left out on purpose: it can quote row contents ("Failing row contains (…)").
            var refused = $"the server refused a statement while {what}{where}: {pg.MessageText} ({pg.SqlState})";
            return new DatabaseOperationException(rolledBack ? $"{refused}; {undone}" : refused, e);
        }

        if (e is NpgsqlException or IOException or SocketException or ObjectDisposedException)
        {
            return new DatabaseConnectionLostException($"the connection was lost while {what}: {Innermost(e).Message}; nothing was committed", e);
        }

        if (e is OperationCanceledException)
        {
            return new DeadlineExceededException($"cancelled while {what}; {undone}", e);
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
