using DisasterRecovery.TestSupport;
using Npgsql;
using StackExchange.Redis;

namespace DisasterRecovery.LocalServers.Tests;

/// <summary>The servers every other test uses, as `local/servers start` leaves them.</summary>
public sealed class SharedServersTests
{
    private static PostgresServer Postgres => TestSupport.LocalServers.Postgres;

    private static RedisServer Redis => TestSupport.LocalServers.Redis;

    [Fact]
    public async Task Postgres_WhenStarted_ShouldBeVersion15WithWalArchivingOn()
    {
        await using var connection = new NpgsqlConnection(Postgres.ConnectionString());
        await connection.OpenAsync();

        Assert.Equal(15, connection.PostgreSqlVersion.Major);
        Assert.Equal("on", await ScalarAsync(connection, "SHOW archive_mode"));
        Assert.Equal("replica", await ScalarAsync(connection, "SHOW wal_level"));
        Assert.Equal("127.0.0.1", await ScalarAsync(connection, "SHOW listen_addresses"));
    }

    [Fact]
    public async Task Postgres_WhenAWalSegmentIsSwitched_ShouldArchiveIt()
    {
        await using var connection = new NpgsqlConnection(Postgres.ConnectionString());
        await connection.OpenAsync();
        await ScalarAsync(connection, "CREATE TEMP TABLE touch AS SELECT 1 AS x");
        var segment = await ScalarAsync(connection, "SELECT pg_walfile_name(pg_switch_wal())");

        // Archiving is asynchronous: wait for the effect (bounded), then assert on it. Segments are stored
        // zstd-compressed, through a temporary name, so the .zst file appears complete.
        var archived = Path.Combine(Postgres.WalArchive, segment + ".zst");
        for (var i = 0; i < 300 && !File.Exists(archived); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(File.Exists(archived), $"{segment}.zst was not archived to {Postgres.WalArchive}");
        Assert.True(new FileInfo(archived).Length < 16 * 1024 * 1024, "the archived segment is not compressed");
        Assert.Equal(16 * 1024 * 1024, UnpackedLength(archived));
    }

    private static long UnpackedLength(string path)
    {
        var info = new System.Diagnostics.ProcessStartInfo("zstd") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-q", "-d", "-c", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        using var counter = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(counter);
        process.WaitForExit();
        return counter.Length;
    }

    [Fact]
    public void Postgres_WhenStartedByRoot_ShouldRunAsAnUnprivilegedUser()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(Postgres.DataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

        var uid = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

        Assert.NotEqual("0", uid);
    }

    [Fact]
    public async Task Postgres_WhenPasswordIsWrong_ShouldRefuseTheConnection()
    {
        var wrong = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString()) { Password = "not-the-password" }.ConnectionString;
        await using var connection = new NpgsqlConnection(wrong);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());

        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task Redis_WhenConnectedWithThePassword_ShouldStoreAndReturnValues()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);
        var db = redis.GetDatabase();
        var key = $"test:{Guid.NewGuid():N}";

        await db.StringSetAsync(key, "value", TimeSpan.FromMinutes(1));

        Assert.Equal("value", (string?)await db.StringGetAsync(key));
        Assert.Equal("yes", (await redis.GetServers()[0].ConfigGetAsync("appendonly")).Single().Value);
    }

    [Fact]
    public async Task Redis_WhenNoPasswordIsGiven_ShouldRefuseCommands()
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(Redis.Host, Redis.Port);
        var stream = client.GetStream();

        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);

        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
