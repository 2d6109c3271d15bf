using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalS3;
using Microsoft.Extensions.Time.Testing;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// A real LocalS3 server on a free port over a fresh temp folder, a real AmazonS3Client pointed at it
/// (default client settings except the endpoint, path style and region), and one fake clock shared by the
/// server and the code under test so Object Lock dates agree. The one S3 host of every test project.
/// </summary>
public sealed class LocalS3Host : IAsyncDisposable
{
    public const string AccessKeyId = "LKIATESTACCESSKEY001";
    public const string SecretAccessKey = "test/secret+key0123456789abcdefghijklmnop";

    private LocalS3Host(string stateDirectory, FakeTimeProvider clock, StringWriter log)
    {
        StateDirectory = stateDirectory;
        Clock = clock;
        Log = log;
    }

    public string StateDirectory { get; }

    /// <summary>The server's clock: starts at the real time, moves only when a test advances it.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Everything the server logged: one JSON line per request.</summary>
    public StringWriter Log { get; }

    public LocalS3Server Server { get; private set; } = null!;

    public AmazonS3Client Client { get; private set; } = null!;

    public string Endpoint => Server.Endpoint.ToString();

    /// <summary>Starts a server over <paramref name="stateDirectory"/>, or over a fresh temp folder when null; its clock starts at
    /// <paramref name="clockStart"/> (default now).</summary>
    public static async Task<LocalS3Host> StartAsync(string? stateDirectory = null, DateTimeOffset? clockStart = null)
    {
        var directory = stateDirectory ?? Path.Combine(Path.GetTempPath(), "dr-local-s3-tests", Guid.NewGuid().ToString("N"));
        var host = new LocalS3Host(directory, new FakeTimeProvider(clockStart ?? DateTimeOffset.UtcNow), new StringWriter());
        await host.StartServerAsync();
        return host;
    }

    /// <summary>Stops the server and starts a new one on the same state folder (same clock).</summary>
    public async Task RestartAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        await StartServerAsync();
    }

    public AmazonS3Client CreateClient(string accessKeyId = AccessKeyId, string secretAccessKey = SecretAccessKey) =>
        new(new BasicAWSCredentials(accessKeyId, secretAccessKey), new AmazonS3Config
        {
            ServiceURL = Server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });

    /// <summary>Creates a bucket; with Object Lock it is versioned and lock-enabled.</summary>
    public async Task<string> CreateBucketAsync(bool objectLock = false, bool versioned = false, int? defaultRetentionDays = null)
    {
        var name = "b-" + Guid.NewGuid().ToString("N")[..20];
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name, ObjectLockEnabledForBucket = objectLock });
        if (versioned && !objectLock)
        {
            await Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = name,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }

        if (objectLock && defaultRetentionDays is { } days)
        {
            await Client.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
            {
                BucketName = name,
                ObjectLockConfiguration = new ObjectLockConfiguration
                {
                    ObjectLockEnabled = ObjectLockEnabled.Enabled,
                    Rule = new ObjectLockRule
                    {
                        DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Days = days },
                    },
                },
            });
        }

        return name;
    }

    /// <summary>Every current key in a bucket, sorted.</summary>
    public async Task<List<string>> ListKeysAsync(string bucket, string? prefix = null)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = await Client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = continuation });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
        return keys;
    }

    /// <summary>Every version and delete marker in a bucket, as "key@version".</summary>
    public async Task<List<string>> ListVersionsAsync(string bucket)
    {
        var page = await Client.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        return (page.Versions ?? [])
            .Select(v => $"{v.Key}@{v.VersionId}{(v.IsDeleteMarker == true ? "(deleted)" : string.Empty)}")
            .OrderBy(v => v, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<byte[]> GetBytesAsync(string bucket, string key, string? versionId = null)
    {
        using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task PutBytesAsync(string bucket, string key, byte[] bytes) =>
        await Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(bytes),
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });

    /// <summary>The on-disk data files of a key's versions (LocalS3 stores a key under sha256(key)).</summary>
    public string[] DataFilesOf(string bucket, string key)
    {
        var folder = Path.Combine(StateDirectory, "buckets", bucket, "objects", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        return Directory.GetFiles(folder, "*.data");
    }

    /// <summary>How many requests of an S3 operation the server has answered so far.</summary>
    public int CountRequests(string operation, int? status = null)
    {
        var count = 0;
        foreach (var line in Log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("operation", out var op) && op.GetString() == operation
                && (status is null || json.RootElement.GetProperty("status").GetInt32() == status))
            {
                count++;
            }
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
            var sandbox = StateDirectory.Split(Path.DirectorySeparatorChar)
                .FirstOrDefault(part => part.StartsWith("sandbox-", StringComparison.Ordinal));
            if (sandbox is not null)
            {
                Directory.Delete(StateDirectory[..(StateDirectory.IndexOf(sandbox, StringComparison.Ordinal) + sandbox.Length)], recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private async Task StartServerAsync()
    {
        Server = await LocalS3Server.StartAsync(new LocalS3Options
        {
            StateDirectory = StateDirectory,
            Port = 0,
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
            TimeProvider = Clock,
            RequestLog = TextWriter.Synchronized(Log),
        });
        Client = CreateClient();
    }
}
