using DisasterRecovery.Audit;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Audit.Tests;

/// <summary>An audit log on a LocalS3 bucket whose JSON log lines are captured.</summary>
internal sealed class AuditTestKit
{
    public const string Prefix = "audit/";

    private AuditTestKit(LocalS3Host s3, string bucket)
    {
        S3 = s3;
        Bucket = bucket;
        Options = new AuditLogOptions { Bucket = bucket, Prefix = Prefix };
        Log = new AuditLog(s3.Client, Options, new JsonLogger("test", LogLines, s3.Clock), s3.Clock);
        Verifier = new AuditChainVerifier(s3.Client, Options, s3.Clock);
    }

    public LocalS3Host S3 { get; }

    public string Bucket { get; }

    public AuditLogOptions Options { get; }

    public StringWriter LogLines { get; } = new();

    public AuditLog Log { get; }

    public AuditChainVerifier Verifier { get; }

    /// <summary>A bucket with Object Lock and a default COMPLIANCE retention of 365 days, as in production.</summary>
    public static async Task<AuditTestKit> CreateAsync(LocalS3Host s3) =>
        new(s3, await s3.CreateBucketAsync(objectLock: true, defaultRetentionDays: 365));

    public static AuditEvent Event(int i, string action = AuditActions.Backup) => new()
    {
        Action = action,
        Resource = $"postgres/technician-marketplace/20250114T02000{i % 10}Z-abc{i}",
        Actor = "arn:aws:states:us-east-1:123456789012:execution:backup:run-" + i,
        Result = AuditResults.Succeeded,
        RelatedIds = [$"20250114T02000{i % 10}Z-abc{i}", "request-" + i],
        Details = new Dictionary<string, string>
        {
            ["sizeBytes"] = (1000 * i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["engine"] = "postgres",
        },
    };

    public async Task<List<AuditRecord>> AppendAsync(int count)
    {
        var records = new List<AuditRecord>();
        for (var i = 1; i <= count; i++)
        {
            records.Add(await Log.AppendAsync(Event(i)));
        }

        return records;
    }

    public string KeyOf(long sequence) => AuditKeys.Event(Prefix, sequence);
}
