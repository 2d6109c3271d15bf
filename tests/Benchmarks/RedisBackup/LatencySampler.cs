using System.Diagnostics;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// Our stand-in for <c>redis-cli --latency</c>, which prints min/avg/max but no percentile: the same PING loop on one
/// connection (one PING in flight, the round trip timed), with 1 ms between PINGs instead of redis-cli's 10 ms so that a
/// 10 s backup gives thousands of samples. Runs in its own process (the benchmark's garbage collections are not the
/// server's latency) until its standard input closes.
/// </summary>
internal static class LatencySampler
{
    public static async Task<double[]> RunAsync(int port)
    {
        using var stop = new CancellationTokenSource();
        var stdin = Task.Run(async () =>
        {
            await Console.In.ReadToEndAsync();
            await stop.CancelAsync();
        });
        var samples = new List<double>(1 << 16);
        using var client = RawRedisClient.Connect(port);
        client.Require("AUTH", BenchRedisServer.Password);
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            var reply = client.Call("PING");
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (reply != "+PONG")
            {
                throw new InvalidOperationException("PING answered " + reply);
            }

            Thread.Sleep(1);
        }

        await stdin;
        return [.. samples];
    }
}
