using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalS3;
using Microsoft.Extensions.Time.Testing;

namespace DisasterRecovery.Tests.Support;

/// <summary>
/// A real LocalS3 server on a free port over a fresh temp folder, a real AmazonS3Client pointed at it
/// (only endpoint, path style and region set), and one fake clock shared by the server and the code
/// under test so Object Lock dates agree.
/// </summary>
internal sealed class LocalS3Host : IAsyncDisposable
{
    public const string AccessKeyId = "LKIACATALOGTESTS0001";
    public const string SecretAccessKey = "catalog/tests+secret0123456789abcdefghij";


    private LocalS3Host(string stateDirectory, LocalS3Server server, FakeTimeProvider clock)
    {
        StateDirectory = stateDirectory;
        Server = server;
        Clock = clock;
        Client = CreateClient();
    }

    public string StateDirectory { get; }

    public LocalS3Server Server { get; }

    public FakeTimeProvider Clock { get; }

    public AmazonS3Client Client { get; }

    public string Endpoint => Server.Endpoint.ToString();

    public static async Task<LocalS3Host> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dr-catalog-tests", Guid.NewGuid().ToString("N"));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new StringWriter();
        var server = await LocalS3Server.StartAsync(new LocalS3Options
        {
            StateDirectory = directory,
            Port = 0,
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
            TimeProvider = clock,
            RequestLog = TextWriter.Synchronized(log),
        });
        var host = new LocalS3Host(directory, server, clock);
        host._requestLogSource = log;
        return host;
    }

    private StringWriter _requestLogSource = null!;

    public AmazonS3Client CreateClient() =>
        new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
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
                    Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Days = days } },
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
            var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = continuation });
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
        return (page.Versions ?? []).Select(v => $"{v.Key}@{v.VersionId}{(v.IsDeleteMarker == true ? "(deleted)" : string.Empty)}").OrderBy(v => v, StringComparer.Ordinal).ToList();
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
        var folder = Path.Combine(StateDirectory, "buckets", bucket, "objects",
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))));
        return Directory.GetFiles(folder, "*.data");
    }

    /// <summary>How many requests of an S3 operation the server has answered so far.</summary>
    public int CountRequests(string operation, int? status = null)
    {
        var count = 0;
        foreach (var line in _requestLogSource.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
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
        }
        catch (IOException)
        {
        }
    }
}
