using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using DisasterRecovery.LocalCloud.Platform;
using Npgsql;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>What <see cref="MarketplaceDatabase.EnsureAsync(LocalServersInfo, string, int, CancellationToken)"/> found or made.</summary>
/// <param name="Database">The database.</param>
/// <param name="Created">True when this call created it; false when it existed (and was left as it was).</param>
/// <param name="Scale">The scale it was built with; null when it existed (the scale it was built with is not recorded).</param>
/// <param name="Rows">Rows of each marketplace table the database has (a table it lacks is absent), counted exactly.</param>
/// <param name="SizeBytes">pg_database_size.</param>
/// <param name="Duration">How long the call took.</param>
public sealed record MarketplaceDatabaseResult(
    string Database, bool Created, int? Scale, IReadOnlyDictionary<string, long> Rows, long SizeBytes, TimeSpan Duration)
{
    /// <summary>One line for the drill's summary, e.g. <c>technician_marketplace created (scale 1): 100 technicians, …; 9.4 MB</c>.</summary>
    public override string ToString()
    {
        var rows = Rows.Count == 0 ? "no marketplace tables" : string.Join(", ", Rows.Select(r => $"{r.Value} {r.Key}"));
        var how = Created ? $"created (scale {Scale})" : "already there";
        return FormattableString.Invariant($"{Database} {how}: {rows}; {SizeBytes / 1024.0 / 1024.0:0.0} MB");
    }
}

/// <summary>
/// The technician marketplace's database on a PostgreSQL cluster (the local servers', or a restored one): schema and
/// deterministic data from <c>Drill/marketplace.sql</c> (embedded), generated server-side, sized by a scale (rows per
/// table: <see cref="RowsAt"/>; about 1.4 MB per unit of scale, so scale 700 is about 1 GB). Created only when the
/// database does not exist; it is built under a temporary name and renamed when complete, under an advisory lock, so
/// concurrent callers wait for one build and a failed or cancelled build leaves nothing behind.
/// </summary>
public static class MarketplaceDatabase
{
    /// <summary>The application's database.</summary>
    public const string DefaultName = LocalDatabaseSecret.ApplicationDatabase;

    /// <summary>The largest scale accepted (about 140 GB).</summary>
    public const int MaxScale = 100_000;

    /// <summary>The embedded script's resource name.</summary>
    public const string ScriptResource = "DisasterRecovery.LocalCloud.Drill.marketplace.sql";

    /// <summary>The session setting the script reads its scale from.</summary>
    public const string ScaleSetting = "marketplace.scale";

    private static readonly Lazy<string> LazyScript = new(LoadScript);

    /// <summary>The marketplace's tables, parents first.</summary>
    public static IReadOnlyList<string> Tables { get; } = ["technicians", "customers", "jobs", "reviews", "payments"];

    /// <summary>The SQL script (<c>Drill/marketplace.sql</c>): schema, data for the scale in <see cref="ScaleSetting"/>, constraints, indexes.</summary>
    public static string Script => LazyScript.Value;

    /// <summary>The rows each table gets at a scale.</summary>
    public static IReadOnlyDictionary<string, long> RowsAt(int scale) => new Dictionary<string, long>(StringComparer.Ordinal)
    {
        ["technicians"] = 100L * scale,
        ["customers"] = 1000L * scale,
        ["jobs"] = 2000L * scale,
        ["reviews"] = 800L * scale,
        ["payments"] = 1400L * scale,
    };

    /// <summary>Makes sure <see cref="DefaultName"/> exists on the servers' PostgreSQL, creating it at <paramref name="scale"/> if not.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not between 1 and <see cref="MaxScale"/>.</exception>
    /// <exception cref="LocalCloudException">PostgreSQL refused (the message has no password).</exception>
    public static Task<MarketplaceDatabaseResult> EnsureAsync(LocalServersInfo servers, int scale, CancellationToken cancellationToken) =>
        EnsureAsync(servers, DefaultName, scale, cancellationToken);

    /// <summary>
    /// Makes sure <paramref name="database"/> exists on the servers' PostgreSQL (connecting as its superuser), creating
    /// it with the marketplace's schema and data at <paramref name="scale"/> if it does not; an existing database is
    /// left as it is, whatever it holds. Then counts its rows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not between 1 and <see cref="MaxScale"/>.</exception>
    /// <exception cref="ArgumentException">The name is empty or longer than PostgreSQL's 63 bytes.</exception>
    /// <exception cref="LocalCloudException">PostgreSQL refused (the message has no password).</exception>
    public static async Task<MarketplaceDatabaseResult> EnsureAsync(LocalServersInfo servers, string database, int scale, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, MaxScale);
        if (string.IsNullOrEmpty(database) || Encoding.UTF8.GetByteCount(database) > 63 || database.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{database}' is not a PostgreSQL database name (1 to 63 bytes)", nameof(database));
        }

        var clock = Stopwatch.StartNew();
        try
        {
            bool created;
            long size;
            await using (var admin = await OpenAsync(servers, "postgres", cancellationToken).ConfigureAwait(false))
            {
                // Session lock: released when this connection closes, whatever happens.
                await ExecuteAsync(admin, "SELECT pg_advisory_lock(hashtextextended('marketplace-database:' || $1, 0))", cancellationToken, database)
                    .ConfigureAwait(false);
                created = !await ExistsAsync(admin, database, cancellationToken).ConfigureAwait(false);
                if (created)
                {
                    await BuildAsync(servers, admin, database, scale, cancellationToken).ConfigureAwait(false);
                }

                size = await ScalarAsync<long>(admin, "SELECT pg_database_size($1)", cancellationToken, database).ConfigureAwait(false);
            }

            var rows = await CountAsync(servers, database, cancellationToken).ConfigureAwait(false);
            return new MarketplaceDatabaseResult(database, created, created ? scale : null, rows, size, clock.Elapsed);
        }
        catch (NpgsqlException e)
        {
            throw new LocalCloudException(
                $"database \"{database}\" on {servers.PostgresHost}:{servers.PostgresPort} could not be made sure of: {e.Message}", e);
        }
    }

    /// <summary>Quotes an identifier for SQL (double quotes, inner ones doubled).</summary>
    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task BuildAsync(LocalServersInfo servers, NpgsqlConnection admin, string database, int scale, CancellationToken cancellationToken)
    {
        var building = BuildingName(database);
        // Left by a build that died (this one holds the lock, so no other build is running).
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {QuoteIdentifier(building)} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(admin, $"CREATE DATABASE {QuoteIdentifier(building)} TEMPLATE template0 ENCODING 'UTF8'", cancellationToken).ConfigureAwait(false);
        try
        {
            await using (var connection = await OpenAsync(servers, building, cancellationToken).ConfigureAwait(false))
            {
                await ExecuteAsync(connection, "SELECT set_config($1, $2, false)", cancellationToken, ScaleSetting,
                    scale.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
                await ExecuteAsync(connection, Script, cancellationToken).ConfigureAwait(false);
            }

            // Waits (up to 5 s, PostgreSQL's own limit) for the closed session to go away.
            await ExecuteAsync(admin, $"ALTER DATABASE {QuoteIdentifier(building)} RENAME TO {QuoteIdentifier(database)}",
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {QuoteIdentifier(building)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The next build drops it.
            }

            throw;
        }
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountAsync(LocalServersInfo servers, string database, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(servers, database, cancellationToken).ConfigureAwait(false);
        foreach (var table in Tables)
        {
            if (await ScalarAsync<bool>(connection, "SELECT to_regclass($1) IS NOT NULL", cancellationToken,
                "public." + QuoteIdentifier(table)).ConfigureAwait(false))
            {
                rows[table] =
                    await ScalarAsync<long>(connection, $"SELECT count(*) FROM public.{QuoteIdentifier(table)}", cancellationToken).ConfigureAwait(false);
            }
        }

        return rows;
    }

    private static async Task<bool> ExistsAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken) =>
        await ScalarAsync<bool>(admin, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", cancellationToken, database).ConfigureAwait(false);

    /// <summary>The temporary name a build runs under: recognisable, unique per target, within 63 bytes.</summary>
    internal static string BuildingName(string database)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database)))[..8];
        var prefix = new string(database.TakeWhile((_, i) => Encoding.UTF8.GetByteCount(database[..(i + 1)]) <= 40).ToArray());
        return $"{prefix}__building_{hash}";
    }

    private static async Task<NpgsqlConnection> OpenAsync(LocalServersInfo servers, string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(servers.PostgresConnectionString(database));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    private static string LoadScript()
    {
        using var stream = typeof(MarketplaceDatabase).Assembly.GetManifestResourceStream(ScriptResource)
                           ?? throw new InvalidOperationException(
                               $"the resource {ScriptResource} (Drill/marketplace.sql) is not embedded in " +
                               $"{typeof(MarketplaceDatabase).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
