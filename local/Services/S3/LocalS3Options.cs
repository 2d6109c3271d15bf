namespace DisasterRecovery.LocalS3;

/// <summary>How to run a local S3 endpoint.</summary>
public sealed class LocalS3Options
{
    /// <summary>Folder holding buckets, objects and (when generated) the credentials file. Created if missing.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free port (read it back from <see cref="LocalS3Server.Endpoint"/>).</summary>
    public int Port { get; init; }

    /// <summary>
    /// The one access key id requests must be signed with. When this and <see cref="SecretAccessKey"/> are
    /// both null, they are read from (or generated into) the credentials file in the state folder.
    /// </summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The secret of <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>The region requests must be signed for, and that buckets report.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>
    /// The clock for timestamps, Object Lock retention, presigned URL expiry and the daily lifecycle runs (each midnight
    /// UTC this clock passes, lifecycle rules are applied before the next request); tests and virtual clocks move it.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the one-JSON-line-per-request log goes; null turns it off. Defaults to stdout.</summary>
    public TextWriter? RequestLog { get; init; } = Console.Out;
}
