using Amazon.Runtime;
using Amazon.S3;
using DisasterRecovery.Catalog;

// A backup writer that a test kills half-way. Configuration comes from environment variables (the
// secret never appears on a command line). It prints one line per event on stdout:
//   begun <backupId> | part-uploaded <n> | committed <backupId>
// After the first part's worth of data it slows down (64 KiB every 100 ms), like a dump waiting on a
// busy database, so the test's kill lands between parts.
var endpoint = Required("FIXTURE_S3_ENDPOINT");
var bucket = Required("FIXTURE_BUCKET");
var source = Required("FIXTURE_SOURCE");
var totalBytes = long.Parse(Environment.GetEnvironmentVariable("FIXTURE_TOTAL_BYTES") ?? "41943040", System.Globalization.CultureInfo.InvariantCulture);
using var s3 = new AmazonS3Client(
    new BasicAWSCredentials(Required("FIXTURE_ACCESS_KEY_ID"), Required("FIXTURE_SECRET_ACCESS_KEY")),
    new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
var catalog = new BackupCatalog(s3, new BackupCatalogOptions
{
    Bucket = bucket,
    PartSize = BackupCatalogOptions.MinimumPartSize,
    AllowUnprotectedBackups = true, // the crash tests' plain bucket; BucketProtectionTests covers the refusal
    PartUploaded = part => Console.WriteLine($"part-uploaded {part.PartNumber}"),
});

await using var backup = await catalog.BeginBackupAsync(new BackupRequest
{
    Engine = BackupEngine.Postgres,
    Source = source,
    Kind = BackupKind.Full,
    RetentionTier = RetentionTier.Daily,
    CreatedBy = "fixture:BackupWriterProcess",
    Tool = new ToolInfo("fixture", "1"),
});
Console.WriteLine($"begun {backup.BackupId}");

await using (var stream = backup.OpenObject("dump.bin"))
{
    var chunk = new byte[64 * 1024];
    long written = 0;
    while (written < totalBytes)
    {
        var count = (int)Math.Min(chunk.Length, totalBytes - written);
        for (var i = 0; i < count; i++)
        {
            chunk[i] = (byte)((written + i) * 31 % 251);
        }

        await stream.WriteAsync(chunk.AsMemory(0, count));
        written += count;
        if (written > BackupCatalogOptions.MinimumPartSize)
        {
            await Task.Delay(100);
        }
    }

    await stream.CompleteAsync();
}

await backup.CommitAsync();
Console.WriteLine($"committed {backup.BackupId}");
return 0;

static string Required(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set");
