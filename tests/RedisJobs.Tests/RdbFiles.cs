using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>RDB files as tests get them: from redis-cli --rdb (the reference), and loaded into a fresh server to compare keys.</summary>
internal static class RdbFiles
{
    /// <summary>What <c>redis-cli --rdb</c> fetches from the server.</summary>
    public static async Task<byte[]> RedisCliRdbAsync(int port, string password)
    {
        var file = Path.Combine(Path.GetTempPath(), $"dr-cli-{Guid.NewGuid():N}.rdb");
        try
        {
            var info = new ProcessStartInfo("redis-cli")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--no-auth-warning", "--rdb", file })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["REDISCLI_AUTH"] = password;
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, output);
            return await File.ReadAllBytesAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Starts a fresh server on <paramref name="rdb"/> and returns every key's DUMP (the server is stopped after).</summary>
    public static async Task<SortedDictionary<string, string>> LoadAndDumpAsync(byte[] rdb)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dr-load-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        await File.WriteAllBytesAsync(Path.Combine(directory, "loaded.rdb"), rdb);
        try
        {
            await using var server = await RedisServerProcess.StartAsync($"dir {directory}", "dbfilename loaded.rdb");
            return await RedisData.DumpsAsync(server.Admin);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Reads a whole stream.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Positions where two equally long RDBs differ (the ctime aux field and the CRC differ between two saves of one dataset).</summary>
    public static int DifferingBytes(byte[] a, byte[] b) => a.Zip(b).Count(pair => pair.First != pair.Second);

    /// <summary>Opens a connection the way the tests do.</summary>
    public static ConnectionMultiplexer Connect(string host, int port, string password) =>
        ConnectionMultiplexer.Connect($"{host}:{port},password={password},allowAdmin=true,abortConnect=false,syncTimeout=60000");
}
