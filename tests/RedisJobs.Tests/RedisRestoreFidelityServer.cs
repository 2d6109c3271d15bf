using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>A redis-server started on an RDB file (a restore into a new server), returned once it has loaded it.</summary>
internal sealed class RedisRestoreFidelityServer : IAsyncDisposable
{
    private readonly string _folder;

    private RedisRestoreFidelityServer(string folder, RedisServerProcess redis)
    {
        _folder = folder;
        Redis = redis;
    }

    public RedisServerProcess Redis { get; }

    /// <summary>Writes <paramref name="rdb"/> to a file, starts a server (with <paramref name="configuration"/>) on it and waits until it is loaded.</summary>
    public static async Task<RedisRestoreFidelityServer> StartOnAsync(byte[] rdb, params string[] configuration)
    {
        var folder = Path.Combine(Path.GetTempPath(), "dr-staged-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "staged.rdb"), rdb);
        var redis = await RedisServerProcess.StartAsync([.. configuration, $"dir {folder}", "dbfilename staged.rdb"]);
        for (var attempt = 0; attempt < 3000; attempt++)
        {
            try
            {
                var info = await redis.Admin.GetServers()[0].InfoRawAsync("persistence");
                if (info?.Split('\n').Any(line => line.TrimEnd() == "loading:0") == true) // not async_loading:0
                {
                    return new RedisRestoreFidelityServer(folder, redis);
                }
            }
            catch (RedisServerException e) when (e.Message.StartsWith("LOADING", StringComparison.Ordinal))
            {
                // Still loading: ask again.
            }

            await Task.Delay(100);
        }

        await redis.DisposeAsync();
        throw new InvalidOperationException("redis-server did not finish loading the staged RDB in 300 s");
    }

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
