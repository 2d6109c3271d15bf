using DisasterRecovery.Core;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Where a PostgreSQL database is and how to log in. The same values reach Npgsql (a connection string)
/// and the client programs (PG* environment variables), so the password never appears on a command line.
/// </summary>
public sealed record PostgresEndpoint
{
    public required string Host { get; init; }

    public int Port { get; init; } = 5432;

    public required string Username { get; init; }

    public required string Password { get; init; }

    /// <summary>The database to dump, restore into or verify in.</summary>
    public required string Database { get; init; }

    /// <summary>libpq's sslmode (disable, prefer, require, verify-ca, verify-full); null leaves the default (prefer).</summary>
    public string? SslMode { get; init; }

    /// <summary>How long opening a connection may take before the server counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The same server, another database.</summary>
    public PostgresEndpoint WithDatabase(string database) => this with { Database = database };

    /// <summary>Checks the fields; <see cref="InvalidInputException"/> naming the first bad one.</summary>
    public void Validate(string field = "database")
    {
        Require.NotBlank(Host, field + ".host");
        Require.InRange(Port, 1, 65535, field + ".port");
        Require.NotBlank(Username, field + ".username");
        Require.NotBlank(Database, field + ".database");
        if (SslMode is not null && SslMode is not ("disable" or "allow" or "prefer" or "require" or "verify-ca" or "verify-full"))
        {
            throw new InvalidInputException(field + ".sslMode", $"must be one of disable, allow, prefer, require, verify-ca, verify-full, was '{SslMode}'");
        }
    }

    /// <summary>An Npgsql connection string (no pooling: every connection here is long and owned by one task).</summary>
    public string ConnectionString(string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Username,
            Password = Password,
            Database = database ?? Database,
            Pooling = false,
            Timeout = (int)Math.Max(1, Math.Ceiling(ConnectTimeout.TotalSeconds)),
            CommandTimeout = 0,
            ApplicationName = "disaster-recovery",
            // COPY moves megabytes per second; 64 KiB buffers cut the number of socket reads and writes.
            ReadBufferSize = 64 * 1024,
            WriteBufferSize = 64 * 1024,
        };
        if (SslMode is not null)
        {
            builder.SslMode = SslMode switch
            {
                "disable" => Npgsql.SslMode.Disable,
                "allow" => Npgsql.SslMode.Allow,
                "require" => Npgsql.SslMode.Require,
                "verify-ca" => Npgsql.SslMode.VerifyCA,
                "verify-full" => Npgsql.SslMode.VerifyFull,
                _ => Npgsql.SslMode.Prefer,
            };
        }

        return builder.ConnectionString;
    }

    /// <summary>libpq environment for pg_dump and psql: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE.</summary>
    public IReadOnlyDictionary<string, string> ToolEnvironment(string? database = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = Host,
            ["PGPORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = Username,
            ["PGPASSWORD"] = Password,
            ["PGDATABASE"] = database ?? Database,
            ["PGCONNECT_TIMEOUT"] = ((int)Math.Max(2, Math.Ceiling(ConnectTimeout.TotalSeconds))).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGAPPNAME"] = "disaster-recovery",
        };
        if (SslMode is not null)
        {
            environment["PGSSLMODE"] = SslMode;
        }

        return environment;
    }

    /// <summary>Host, port and database for messages; never the password.</summary>
    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";
}
