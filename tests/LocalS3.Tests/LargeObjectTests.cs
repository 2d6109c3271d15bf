using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;
using Xunit.Abstractions;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>Runs alone so its timing and memory figures are its own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeObjectCollection
{
    public const string Name = "Large objects";
}

[Collection(LargeObjectCollection.Name)]
public class LargeObjectTests(ITestOutputHelper output)
{
    private const string Bucket = "large";
    private const long ObjectSize = 1L << 30;
    private const long PartSize = 64L << 20;

    [Fact]
    public async Task MultipartUpload_WhenObjectIsOneGibibyte_ShouldDownloadWithTheSameSha256WithoutBufferingIt()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        var expectedSha256 = await Sha256Async(new DeterministicStream(0, ObjectSize));
        using var sampler = new WorkingSetSampler();
        var clock = Stopwatch.StartNew();

        // Act: 16 parts of 64 MiB, two in flight at a time, each streamed from a generator.
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "base/1GiB.bin" });
        using var gate = new SemaphoreSlim(2);
        var parts = await Task.WhenAll(Enumerable.Range(0, (int)(ObjectSize / PartSize)).Select(async index =>
        {
            await gate.WaitAsync();
            try
            {
                return await host.Client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = "base/1GiB.bin",
                    UploadId = upload.UploadId,
                    PartNumber = index + 1,
                    InputStream = new DeterministicStream(index * PartSize, PartSize),
                });
            }
            finally
            {
                gate.Release();
            }
        }));
        var complete = await host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "base/1GiB.bin",
            UploadId = upload.UploadId,
            PartETags = parts.OrderBy(part => part.PartNumber).Select(part => new PartETag(part)).ToList(),
        });
        var uploaded = clock.Elapsed;
        using var get = await host.Client.GetObjectAsync(Bucket, "base/1GiB.bin");
        var downloadedSha256 = await Sha256Async(get.ResponseStream);
        var total = clock.Elapsed;

        // Assert
        Assert.Equal(ObjectSize, get.ContentLength);
        Assert.EndsWith("-16\"", complete.ETag);
        Assert.Equal(expectedSha256, downloadedSha256);
        Assert.False(string.IsNullOrEmpty(get.ChecksumCRC32), "the SDK had a whole-object CRC32 to verify the download against");
        output.WriteLine($"1 GiB: upload+complete {uploaded.TotalSeconds:F1} s, download {(total - uploaded).TotalSeconds:F1} s, " +
            $"peak working set during the transfer {sampler.PeakBytes / (1024 * 1024)} MiB (process peak " +
                $"{Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB)");
        Assert.True(sampler.PeakBytes < 1L << 30, $"working set reached {sampler.PeakBytes} bytes: the object was buffered in memory");
    }

    private static async Task<string> Sha256Async(Stream stream)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }

    /// <summary>Samples this process's working set (client, server and test together) every 100 ms.</summary>
    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;
        private long peak;

        public WorkingSetSampler()
        {
            loop = Task.Run(async () =>
            {
                using var process = Process.GetCurrentProcess();
                while (!stop.IsCancellationRequested)
                {
                    process.Refresh();
                    peak = Math.Max(peak, process.WorkingSet64);
                    try
                    {
                        await Task.Delay(100, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            });
        }

        public long PeakBytes => Interlocked.Read(ref peak);

        public void Dispose()
        {
            stop.Cancel();
            loop.Wait();
            stop.Dispose();
        }
    }
}
