using Amazon.S3;
using DisasterRecovery.Catalog;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Tests.Support;

/// <summary>Builders for the catalog tests: requests, payloads, a catalog on a LocalS3 bucket.</summary>
internal static class CatalogTestKit
{
    public const string Source = "technician-marketplace";

    public static BackupRequest Request(
        string source = Source,
        RetentionTier tier = RetentionTier.Daily,
        BackupKind kind = BackupKind.Full,
        BackupId? backupId = null) => new()
        {
            Engine = BackupEngine.Postgres,
            Source = source,
            Kind = kind,
            RetentionTier = tier,
            CreatedBy = "arn:aws:states:us-east-1:123456789012:execution:backup:test",
            Tool = new ToolInfo("pg_dump", "16.2"),
            ServerVersion = "15.4",
            BackupId = backupId,
        };

    public static BackupCatalog Catalog(
        LocalS3Host host,
        string bucket,
        IAmazonS3? client = null,
        Action<PartUploaded>? partUploaded = null,
        int partSize = BackupCatalogOptions.DefaultPartSize) =>
        new(client ?? host.Client, new BackupCatalogOptions
        {
            // Most catalog tests use plain buckets; BucketProtectionTests holds the refusal of an unprotected one.
            Bucket = bucket, PartUploaded = partUploaded, PartSize = partSize, AllowUnprotectedBackups = true,
        }, host.Clock);

    /// <summary>Pseudo-random bytes, the same for the same seed.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text that compresses well, so compressed and stored sizes differ.</summary>
    public static byte[] Sql(int rows)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO technicians (id, name) VALUES ({i}, 'technician {i}');\n");
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Writes a backup of the given objects and commits it; returns the committed manifest.</summary>
    public static async Task<BackupManifest> WriteBackupAsync(
        BackupCatalog catalog, BackupRequest request, params (string Name, byte[] Data, Compression Compression)[] objects) =>
        (await CommitBackupAsync(catalog, request, objects)).Manifest;

    /// <summary>Writes a backup of the given objects and commits it; returns what the commit stored.</summary>
    public static async Task<CommittedBackup> CommitBackupAsync(
        BackupCatalog catalog, BackupRequest request, params (string Name, byte[] Data, Compression Compression)[] objects)
    {
        await using var backup = await catalog.BeginBackupAsync(request);
        foreach (var (name, data, compression) in objects)
        {
            await backup.WriteObjectAsync(name, new MemoryStream(data), new BackupObjectOptions { Compression = compression, ContentType = "application/sql" });
        }

        return await backup.CommitAsync(new BackupCompletion
        {
            ConsistencyPoint = new PostgresConsistencyPoint("0/3000060", "00000003-00000002-1", 1),
            Contents = [new ContentCount("public.technicians", 42, "sha256:abc"), new ContentCount("public.bookings", 7)],
        });
    }

    /// <summary>Reads an object to its end through the verifying reader.</summary>
    public static async Task<byte[]> ReadAllAsync(BackupReader reader, string name)
    {
        await using var stream = await reader.OpenObjectAsync(name);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        Assert.True(stream.Verified);
        return buffer.ToArray();
    }
}
