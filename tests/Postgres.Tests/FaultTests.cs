using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DisasterRecovery.Postgres.Tests;

/// <summary>Bad input and faults: the dump names what went wrong and never completes its sink.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        // ~40 MB of COPY text in one table: far more than socket buffers hold, so the COPY is still running
        // on the server when the sink holds the first chunk's write (and the worker waits for it).
        _database = await PostgresTestServer.CreateDatabaseAsync("faults");
        await PostgresTestServer.ExecuteAsync(_database,
            "CREATE TABLE big (id bigint PRIMARY KEY, payload text); " +
            "INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) FROM generate_series(1, 400000) g");
    }

    public async Task DisposeAsync() => await PostgresTestServer.DropDatabaseAsync(_database);

    [Fact]
    public async Task DumpAsync_WhenDatabaseDoesNotExist_ShouldThrowDatabaseNotFoundAndAbortTheSink()
    {
        var sink = new RecordingSink();

        var error = await Assert.ThrowsAsync<DatabaseNotFoundException>(() =>
            new PostgresDumper(PostgresTestServer.Tools).DumpAsync(PostgresTestServer.Endpoint("no_such_database_here"), sink));

        Assert.Contains("no_such_database_here", error.Message);
        Assert.True(sink.Aborted);
        Assert.False(sink.Completed);
    }

    [Fact]
    public async Task DumpAsync_WhenPasswordIsWrong_ShouldThrowDatabaseAuthenticationWithoutThePassword()
    {
        var sink = new RecordingSink();
        var endpoint = PostgresTestServer.Endpoint(_database) with { Password = "definitely-wrong-password" };

        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => new PostgresDumper(PostgresTestServer.Tools).DumpAsync(endpoint, sink));

        Assert.DoesNotContain("definitely-wrong-password", error.Message);
        Assert.True(sink.Aborted);
        Assert.False(sink.Completed);
    }

    [Fact]
    public async Task DumpAsync_WhenPortIsClosed_ShouldThrowDatabaseUnreachable()
    {
        var sink = new RecordingSink();
        var endpoint = PostgresTestServer.Endpoint(_database) with { Port = ClosedPort() };

        var error = await Assert.ThrowsAsync<DatabaseUnreachableException>(() => new PostgresDumper(PostgresTestServer.Tools).DumpAsync(endpoint, sink));

        Assert.Contains(endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.True(sink.Aborted);
    }

    [Fact]
    public async Task DumpAsync_WhenTheCopyingBackendIsTerminated_ShouldThrowConnectionLostAndCommitNothing()
    {
        var sink = new RecordingSink(holdWriteNumber: 2);
        var dump = new PostgresDumper(PostgresTestServer.Tools).DumpAsync(
            PostgresTestServer.Endpoint(_database), sink, new PostgresDumpOptions { Workers = 1, ChunkRawBytes = 1 << 20, ChunkStoredBytes = 1 << 20 });
        await sink.Held.WaitAsync(TimeSpan.FromSeconds(60));

        var terminated = await PostgresTestServer.ScalarAsync<long>("postgres",
            $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{_database}' AND query LIKE 'COPY%'");
        sink.Release();

        var error = await Assert.ThrowsAsync<DatabaseConnectionLostException>(() => dump);
        Assert.Equal(1, terminated);
        Assert.Contains("nothing was committed", error.Message);
        Assert.True(sink.Aborted);
        Assert.False(sink.Completed);
    }

    [Fact]
    public async Task DumpAsync_WhenCancelledMidCopy_ShouldThrowDeadlineExceededAndCommitNothing()
    {
        var sink = new RecordingSink(holdWriteNumber: 2);
        using var cancellation = new CancellationTokenSource();
        var dump = new PostgresDumper(PostgresTestServer.Tools).DumpAsync(
            PostgresTestServer.Endpoint(_database), sink, new PostgresDumpOptions { Workers = 1, ChunkRawBytes = 1 << 20, ChunkStoredBytes = 1 << 20 },
                cancellation.Token);
        await sink.Held.WaitAsync(TimeSpan.FromSeconds(60));

        await cancellation.CancelAsync();
        sink.Release();

        await Assert.ThrowsAsync<DeadlineExceededException>(() => dump);
        Assert.True(sink.Aborted);
        Assert.False(sink.Completed);
        Assert.Equal(0L, await PostgresTestServer.ScalarAsync<long>("postgres",
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{_database}' AND state = 'active' AND query LIKE 'COPY%'"));
    }

    /// <summary>
    /// Page ranges as the benchmark project measures them (tests/Benchmarks/PostgresBackup/MeasuredAlternatives.cs):
    /// production never splits, but the dumper must copy every row of a split table exactly once.
    /// </summary>
    private static Func<DumpableTable, IEnumerable<PostgresDumper.WorkUnit>> PageRanges(long splitBytes) => table =>
    {
        var pages = splitBytes / 8192;
        var units = new List<PostgresDumper.WorkUnit>();
        for (long from = 0; from < table.Pages; from += pages)
        {
            units.Add(new PostgresDumper.WorkUnit(table, from, from + pages >= table.Pages ? null : from + pages, pages * 8192));
        }

        return units;
    };

    [Fact]
    public async Task DumpAsync_WhenATableIsSplitIntoPageRanges_ShouldCopyEveryRowExactlyOnce()
    {
        var sink = new RecordingSink();
        var expected = await PostgresTestServer.ScalarAsync<long>(_database, "SELECT count(*) FROM big");

        var index = await new PostgresDumper(PostgresTestServer.Tools).DumpAsync(PostgresTestServer.Endpoint(_database), sink,
            new PostgresDumpOptions { SplitTable = PageRanges(8 << 20), ChunkRawBytes = 1 << 20, ChunkStoredBytes = 1 << 20 });
        var target = await PostgresTestServer.CreateDatabaseAsync("faults_split");
        try
        {
            var path = Path.Combine(Path.GetTempPath(), $"dr-split-{Guid.NewGuid():N}.sql.zst");
            File.WriteAllBytes(path, sink.Data);
            var verification = await new PostgresVerifier(PostgresTestServer.Tools).VerifyAsync(
                new FileDumpSource(path), index, PostgresTestServer.Endpoint("postgres"), new PostgresVerifyOptions { IntegrityChecks = false });
            File.Delete(path);

            Assert.True(sink.Completed);
            Assert.True(index.Segments.Count(s => s.Table == "public.big") >= 5);
            Assert.Equal(expected, index.Tables.Single().Rows);
            Assert.True(verification.Passed, string.Join("; ", verification.Checks.Select(c => c.Detail)));
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public async Task DumpAsync_WhenATableIsOverTheContentHashLimit_ShouldRecordOnlyItsRowsAndVerifyByCounting()
    {
        await PostgresTestServer.ExecuteAsync(_database, "CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small VALUES (1), (2), (3)");
        var sink = new RecordingSink();

        var index = await new PostgresDumper(PostgresTestServer.Tools).DumpAsync(PostgresTestServer.Endpoint(_database), sink,
            new PostgresDumpOptions { ContentHashMaxTableBytes = 1 << 20 });
        var path = Path.Combine(Path.GetTempPath(), $"dr-hashlimit-{Guid.NewGuid():N}.sql.zst");
        File.WriteAllBytes(path, sink.Data);
        try
        {
            var verifier = new PostgresVerifier(PostgresTestServer.Tools);
            var options = new PostgresVerifyOptions { IntegrityChecks = false };
            var passed = await verifier.VerifyAsync(new FileDumpSource(path), index, PostgresTestServer.Endpoint("postgres"), options);
            // The same dump, but an index that expects one row more in the unhashed table: counting must notice.
            var wrongCount = index with { Tables = [.. index.Tables.Select(t => t.Name == "public.big" ? t with { Rows = t.Rows + 1 } : t)] };
            var failed = await verifier.VerifyAsync(new FileDumpSource(path), wrongCount, PostgresTestServer.Endpoint("postgres"), options);

            var big = index.Tables.Single(t => t.Name == "public.big");
            var small = index.Tables.Single(t => t.Name == "public.small");
            Assert.Null(big.ContentHash);
            Assert.Equal(400_000, big.Rows);
            Assert.StartsWith("xxh3-sum:", small.ContentHash, StringComparison.Ordinal);
            Assert.True(passed.Passed, string.Join("; ", passed.Checks.Select(c => c.Detail)));
            Assert.Equal(400_000, passed.Tables.Single(t => t.Name == "public.big").Rows);
            Assert.Null(passed.Tables.Single(t => t.Name == "public.big").Hash);
            Assert.NotNull(passed.Tables.Single(t => t.Name == "public.small").Hash);
            Assert.False(failed.Passed);
            Assert.Contains("public.big: 400000 rows (expected 400001; no content hash recorded)", failed.Checks.Single(c
                => c.Name == "table-contents").Detail);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PostgresDumpOptions_WhenTheContentHashLimitIsNegative_ShouldNameTheField()
    {
        var error = Assert.Throws<DisasterRecovery.Core.InvalidInputException>(() => new PostgresDumpOptions { ContentHashMaxTableBytes = -1 }.Validate());

        Assert.Contains("contentHashMaxTableBytes", error.Message);
    }

    [Fact]
    public async Task VerifyAsync_WhenANotValidForeignKeyHasOrphans_ShouldFailTheOrphanCheck()
    {
        var source = await PostgresTestServer.CreateDatabaseAsync("faults_orphans");
        try
        {
            await PostgresTestServer.ExecuteAsync(source,
                "CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (parent_id int); " +
                "INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1), (2), (NULL); " +
                "ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID");
            var sink = new RecordingSink();
            var index = await new PostgresDumper(PostgresTestServer.Tools).DumpAsync(PostgresTestServer.Endpoint(source), sink);
            var path = Path.Combine(Path.GetTempPath(), $"dr-orphans-{Guid.NewGuid():N}.sql.zst");
            File.WriteAllBytes(path, sink.Data);

            var result = await new PostgresVerifier(PostgresTestServer.Tools).VerifyAsync(new FileDumpSource(path), index,
                PostgresTestServer.Endpoint("postgres"));
            File.Delete(path);

            Assert.False(result.Passed);
            var orphans = result.Checks.Single(c => c.Name == "foreign-key-orphans");
            Assert.False(orphans.Passed);
            Assert.Contains("1 rows of child have no matching row in parent (foreign key child_parent_fk)", orphans.Detail);
            Assert.True(result.Checks.Single(c => c.Name == "table-contents").Passed);
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(source);
        }
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
