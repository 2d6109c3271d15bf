using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Postgres.Tests;

/// <summary>
/// One source database using everything fidelity.sql sets up (schemas, enums, domains, composite types,
/// partitions, generated and dropped columns, arrays, jsonb, bytea, NaN/±Infinity, huge numerics,
/// NULLs, identity/serial/setval'd sequences, views, a materialized view, functions, triggers, RLS,
/// comments, grants to two fresh roles, quoted mixed-case names, a table without a primary key,
/// inheritance, a zero-column table, an unlogged table, a large object, an extension), dumped once.
/// </summary>
public sealed class FidelityFixture : IAsyncLifetime
{
    private readonly List<string> _databases = [];

    public string Source { get; private set; } = string.Empty;

    public string Owner { get; } = "dr_owner_" + Guid.NewGuid().ToString("N")[..8];

    public string Reader { get; } = "dr_reader_" + Guid.NewGuid().ToString("N")[..8];

    public string DumpPath { get; } = Path.Combine(Path.GetTempPath(), $"dr-fidelity-{Guid.NewGuid():N}.sql.zst");

    public PostgresDumpIndex Index { get; private set; } = null!;

    public string SourceSchema { get; private set; } = string.Empty;

    public string SourceData { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        await PostgresTestServer.ExecuteAsync("postgres", $"CREATE ROLE \"{Owner}\" LOGIN; CREATE ROLE \"{Reader}\"");
        Source = await NewDatabaseAsync("fidelity_src");
        var script = Path.Combine(AppContext.BaseDirectory, "fidelity.sql");
        await PostgresTestServer.ShellAsync($"psql -X -q -v ON_ERROR_STOP=1 -v owner={Owner} -v reader={Reader} -f {script} > /dev/null", Source);
        SourceSchema = await PostgresTestServer.SchemaAsync(Source);
        SourceData = await PostgresTestServer.DataAsync(Source);
        await using var sink = new FileDumpSink(DumpPath);
        Index = await new PostgresDumper(PostgresTestServer.Tools).DumpAsync(PostgresTestServer.Endpoint(Source), sink);
    }

    /// <summary>A new empty database that is dropped with the fixture.</summary>
    public async Task<string> NewDatabaseAsync(string prefix)
    {
        var name = await PostgresTestServer.CreateDatabaseAsync(prefix);
        _databases.Add(name);
        return name;
    }

    /// <summary>A name for a database the test lets the engine create; dropped with the fixture.</summary>
    public string NewName(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        _databases.Add(name);
        return name;
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await PostgresTestServer.DropDatabaseAsync(database);
        }

        await PostgresTestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS \"{Owner}\"; DROP ROLE IF EXISTS \"{Reader}\"");
        File.Delete(DumpPath);
    }
}

public sealed class FidelityTests(FidelityFixture fixture) : IClassFixture<FidelityFixture>
{
    /// <summary>This test's engine log (xunit makes a new instance per test): it names the temporary databases.</summary>
    private readonly (DisasterRecovery.Core.Logging.JsonLogger Logger, StringWriter Log) _engineLog = PostgresTestServer.NewLog();

    [Fact]
    public async Task RestoreAsync_WhenDumpHasEveryFeature_ShouldReproduceSchemaAndDataExactly()
    {
        var target = fixture.NewName("fidelity_ours");

        var result = await new PostgresRestorer(PostgresTestServer.Tools, _engineLog.Logger)
            .RestoreAsync(new FileDumpSource(fixture.DumpPath), fixture.Index, PostgresTestServer.Endpoint(target));

        Assert.Equal(target, result.Database);
        Assert.Equal(fixture.SourceSchema, await PostgresTestServer.SchemaAsync(target));
        Assert.Equal(fixture.SourceData, await PostgresTestServer.DataAsync(target));
    }

    [Fact]
    public async Task ZstdPsqlOneLiner_WhenRestoringTheDumpWithoutOurCode_ShouldReproduceSchemaAndDataExactly()
    {
        var target = await fixture.NewDatabaseAsync("fidelity_cli");

        await PostgresTestServer.ShellAsync($"zstd -dc {fixture.DumpPath} | psql -X -q -v ON_ERROR_STOP=1 > /dev/null", target);

        Assert.Equal(fixture.SourceSchema, await PostgresTestServer.SchemaAsync(target));
        Assert.Equal(fixture.SourceData, await PostgresTestServer.DataAsync(target));
    }

    [Fact]
    public void DumpAsync_WhenTablesHaveGeneratedAndDroppedColumns_ShouldListOnlyStoredColumnsAndLeafTables()
    {
        var people = fixture.Index.Tables.Single(t => t.Name == "app.people");
        var names = fixture.Index.Tables.Select(t => t.Name).ToList();

        Assert.DoesNotContain("name_upper", people.Columns);
        Assert.DoesNotContain("obsolete", people.Columns);
        Assert.Equal(2005, people.Rows);
        Assert.Contains("\"Sales Dept\".\"Order \"\"Items\"\"\"", names);
        Assert.Contains("app.measurements_2024", names);
        Assert.DoesNotContain("app.measurements", names);
        Assert.Contains("app.cache", names);
        Assert.Equal(2, fixture.Index.Tables.Single(t => t.Name == "app.no_columns").Rows);
    }

    [Fact]
    public void DumpAsync_WhenDumpCompletes_ShouldIndexSegmentsThatTileTheObjectAndMatchItsHash()
    {
        var bytes = File.ReadAllBytes(fixture.DumpPath);

        Assert.Equal(bytes.Length, fixture.Index.StoredLength);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), fixture.Index.StoredSha256);
        Assert.Equal(DumpSegmentKind.PreData, fixture.Index.Segments[0].Kind);
        Assert.Equal(DumpSegmentKind.PostData, fixture.Index.Segments[^1].Kind);
        Assert.Equal(DumpSegmentKind.SequenceData, fixture.Index.Segments[^2].Kind);
        Assert.Equal("UTF8", fixture.Index.Encoding);
        Assert.NotNull(fixture.Index.WalLsn);
        var reparsed = PostgresDumpIndex.Parse(fixture.Index.ToJson(), "index");
        Assert.Equal(fixture.Index.Segments.Count, reparsed.Segments.Count);
    }

    [Fact]
    public async Task VerifyAsync_WhenDumpIsSound_ShouldPassEveryCheckAndDropTheScratchDatabase()
    {
        var result = await new PostgresVerifier(PostgresTestServer.Tools, _engineLog.Logger)
            .VerifyAsync(new FileDumpSource(fixture.DumpPath), fixture.Index, PostgresTestServer.Endpoint("postgres"));

        Assert.True(result.Passed, string.Join("; ", result.Checks.Select(c => $"{c.Name}: {c.Passed} {c.Detail}")));
        Assert.Equal(["restore", "table-contents", "btree-indexes", "foreign-key-orphans", "invalid-indexes"], result.Checks.Select(c => c.Name));
        Assert.Equal(fixture.Index.Tables.Count, result.Tables.Count);
        Assert.All(result.Tables, t => Assert.True(t.Matches, t.Name));
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_engineLog.Log.ToString()));
    }

    [Fact]
    public void DumpAsync_WhenObjectsHaveOwnersAndGrantees_ShouldRecordTheRolesInTheIndex()
    {
        var names = fixture.Index.Roles!.Select(r => r.Name).ToList();

        Assert.Contains(fixture.Owner, names);
        Assert.Contains(fixture.Reader, names);
        Assert.DoesNotContain(names, n => n.StartsWith("pg_", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("restore")]
    [InlineData("verify")]
    public async Task RestoreAndVerify_WhenTheServerLacksTheRolesTheDumpNames_ShouldCreateThemNoLoginAndSucceed(string operation)
    {
        // Arrange: the server no longer has the roles by their names (as a new instance has only its master user).
        var target = fixture.NewName("fidelity_roles");
        var away = "_away_" + operation;
        await PostgresTestServer.ExecuteAsync("postgres",
            $"ALTER ROLE \"{fixture.Owner}\" RENAME TO \"{fixture.Owner}{away}\"; ALTER ROLE \"{fixture.Reader}\" RENAME TO \"{fixture.Reader}{away}\"");
        try
        {
            // Act
            var checks = string.Empty;
            IReadOnlyList<string> created = [];
            if (operation == "restore")
            {
                var result = await new PostgresRestorer(PostgresTestServer.Tools, _engineLog.Logger)
                    .RestoreAsync(new FileDumpSource(fixture.DumpPath), fixture.Index, PostgresTestServer.Endpoint(target));
                created = result.RolesCreated;
            }
            else
            {
                var result = await new PostgresVerifier(PostgresTestServer.Tools, _engineLog.Logger)
                    .VerifyAsync(new FileDumpSource(fixture.DumpPath), fixture.Index, PostgresTestServer.Endpoint("postgres"));
                Assert.True(result.Passed, string.Join("; ", result.Checks.Select(c => $"{c.Name}: {c.Passed} {c.Detail}")));
                checks = result.Checks[0].Detail ?? string.Empty;
            }

            // Assert: the roles exist again, without login; the restored objects are theirs, with their grants.
            Assert.False(await PostgresTestServer.ScalarAsync<bool>("postgres", $"SELECT rolcanlogin FROM pg_roles WHERE rolname = '{fixture.Owner}'"));
            Assert.False(await PostgresTestServer.ScalarAsync<bool>("postgres", $"SELECT rolcanlogin FROM pg_roles WHERE rolname = '{fixture.Reader}'"));
            if (operation == "restore")
            {
                Assert.Equal([fixture.Owner, fixture.Reader], created.Order(StringComparer.Ordinal));
                Assert.Equal(fixture.Owner, await PostgresTestServer.ScalarAsync<string>(
                    target, "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'app' AND tablename = 'orders'"));
                Assert.True(await PostgresTestServer.ScalarAsync<bool>(target, $"SELECT has_table_privilege('{fixture.Reader}', 'app.people', 'SELECT')"));
                Assert.Equal(fixture.SourceData, await PostgresTestServer.DataAsync(target));
            }
            else
            {
                Assert.Contains(fixture.Owner, checks, StringComparison.Ordinal);
                Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_engineLog.Log.ToString()));
            }
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(target);
            await PostgresTestServer.ExecuteAsync("postgres", $"DROP ROLE IF EXISTS \"{fixture.Owner}\"; DROP ROLE IF EXISTS \"{fixture.Reader}\"; " +
                $"ALTER ROLE \"{fixture.Owner}{away}\" RENAME TO \"{fixture.Owner}\"; ALTER ROLE \"{fixture.Reader}{away}\" RENAME TO \"{fixture.Reader}\"");
        }
    }

    [Fact]
    public async Task RestoreAsync_WhenTargetHasTablesAndReplaceIsNotSet_ShouldRefuseAndLeaveItUntouched()
    {
        var target = await fixture.NewDatabaseAsync("fidelity_busy");
        await PostgresTestServer.ExecuteAsync(target, "CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (7)");

        var error = await Assert.ThrowsAsync<RestoreTargetNotEmptyException>(() => new PostgresRestorer(PostgresTestServer.Tools, _engineLog.Logger)
            .RestoreAsync(new FileDumpSource(fixture.DumpPath), fixture.Index, PostgresTestServer.Endpoint(target)));

        Assert.Contains(target, error.Message);
        Assert.Equal(7, await PostgresTestServer.ScalarAsync<int>(target, "SELECT id FROM keep_me"));
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_engineLog.Log.ToString()));
    }

    [Fact]
    public async Task RestoreAsync_WhenReplaceIsSet_ShouldSwapInTheRestoredDatabase()
    {
        var target = await fixture.NewDatabaseAsync("fidelity_replace");
        await PostgresTestServer.ExecuteAsync(target, "CREATE TABLE old_table (id int)");

        var result = await new PostgresRestorer(PostgresTestServer.Tools, _engineLog.Logger).RestoreAsync(
            new FileDumpSource(fixture.DumpPath), fixture.Index, PostgresTestServer.Endpoint(target), new PostgresRestoreOptions { Replace = true });

        Assert.True(result.ReplacedExisting);
        Assert.Equal(0L, await PostgresTestServer.ScalarAsync<long>(target, "SELECT count(*) FROM pg_class WHERE relname = 'old_table'"));
        Assert.Equal(fixture.SourceData, await PostgresTestServer.DataAsync(target));
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_engineLog.Log.ToString()));
    }

    [Fact]
    public async Task RestoreAsync_WhenAByteOfTableDataIsFlipped_ShouldNameTheObjectAndLeaveNoDatabaseBehind()
    {
        var corrupt = Path.Combine(Path.GetTempPath(), $"dr-corrupt-{Guid.NewGuid():N}.sql.zst");
        var bytes = File.ReadAllBytes(fixture.DumpPath);
        var chunk = fixture.Index.Segments.Where(s => s.Kind == DumpSegmentKind.TableData).MaxBy(s => s.StoredLength)!;
        bytes[chunk.Offset + chunk.StoredLength / 2] ^= 0x40;
        File.WriteAllBytes(corrupt, bytes);
        var target = fixture.NewName("fidelity_corrupt");
        try
        {
            var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => new PostgresRestorer(PostgresTestServer.Tools, _engineLog.Logger)
                .RestoreAsync(new FileDumpSource(corrupt, "dump.sql.zst", "20250101T000000Z-test"), fixture.Index, PostgresTestServer.Endpoint(target)));

            Assert.Equal("dump.sql.zst", error.ObjectName);
            Assert.Equal("20250101T000000Z-test", error.BackupId);
            Assert.Contains(chunk.Table!, error.Message);
            Assert.False(await PostgresTestServer.DatabaseExistsAsync(target));
            Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_engineLog.Log.ToString()));
        }
        finally
        {
            File.Delete(corrupt);
        }
    }

    [Fact]
    public async Task RestoreAsync_WhenReplacingWithACorruptDump_ShouldLeaveTheExistingTargetAsItWas()
    {
        var corrupt = Path.Combine(Path.GetTempPath(), $"dr-corrupt-{Guid.NewGuid():N}.sql.zst");
        var bytes = File.ReadAllBytes(fixture.DumpPath);
        var postData = fixture.Index.Segments[^1];
        bytes[postData.Offset + postData.StoredLength - 3] ^= 0x01;
        File.WriteAllBytes(corrupt, bytes);
        var target = await fixture.NewDatabaseAsync("fidelity_keep");
        await PostgresTestServer.ExecuteAsync(target, "CREATE TABLE precious (id int); INSERT INTO precious VALUES (42)");
        try
        {
            await Assert.ThrowsAsync<ChecksumMismatchException>(() => new PostgresRestorer(PostgresTestServer.Tools, _engineLog.Logger).RestoreAsync(
                new FileDumpSource(corrupt), fixture.Index, PostgresTestServer.Endpoint(target), new PostgresRestoreOptions { Replace = true }));

            Assert.Equal(42, await PostgresTestServer.ScalarAsync<int>(target, "SELECT id FROM precious"));
            Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_engineLog.Log.ToString()));
        }
        finally
        {
            File.Delete(corrupt);
        }
    }
}
