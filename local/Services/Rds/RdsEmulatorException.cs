namespace DisasterRecovery.LocalRds;

/// <summary>
/// A failed RDS call, named as Step Functions reports it to <c>Retry</c>/<c>Catch</c>. An adapter turns it
/// into the engine's task failure with <see cref="ErrorName"/> as the error and <see cref="Cause"/> as the cause.
/// </summary>
public sealed class RdsEmulatorException : Exception
{
    internal RdsEmulatorException(string errorName, string? errorCode, int statusCode, string message)
        : base(message)
    {
        ErrorName = errorName;
        ErrorCode = errorCode;
        StatusCode = statusCode;
        RequestId = Guid.NewGuid().ToString();
    }

    /// <summary>
    /// What <c>ErrorEquals</c> matches: <c>Rds.&lt;Exception&gt;</c> for an RDS error (the AWS SDK for Java v2
    /// exception name, e.g. <c>Rds.DbInstanceNotFoundException</c>; <c>Rds.RdsException</c> for the RDS errors
    /// its model does not name, such as InvalidParameterValue), or <c>States.Runtime</c> for a call Step Functions
    /// itself would refuse (an unknown action or field, a value of the wrong JSON type) or one this emulator does
    /// not implement.
    /// </summary>
    public string ErrorName { get; }

    /// <summary>
    /// The SDK exception name without the service prefix (<c>DbInstanceNotFoundException</c>, <c>RdsException</c>), what a
    /// host that adds the prefix itself needs; null for States.Runtime.
    /// </summary>
    public string? ExceptionName => ErrorCode is null ? null : ErrorName[(ErrorName.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>The RDS API error code (<c>DBInstanceNotFound</c>, <c>InvalidParameterValue</c>…); null for States.Runtime.</summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status RDS answers with (400, 404…); 0 for States.Runtime.</summary>
    public int StatusCode { get; }

    /// <summary>A fresh id per error, as an AWS request id would be.</summary>
    public string RequestId { get; }

    /// <summary>
    /// The cause Step Functions records: for an RDS error the SDK's exception message,
    /// <c>"&lt;message&gt; (Service: Rds, Status Code: 404, Request ID: …)"</c>; otherwise the message.
    /// </summary>
    public string Cause => ErrorCode is null
        ? Message
        : $"{Message} (Service: Rds, Status Code: {StatusCode}, Request ID: {RequestId})";
}
