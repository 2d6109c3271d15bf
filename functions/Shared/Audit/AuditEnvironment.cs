using DisasterRecovery.Core;

namespace DisasterRecovery.Audit;

/// <summary>
/// The one place a function reads where its audit log is: <c>AUDIT_BUCKET</c> (required) and <c>AUDIT_PREFIX</c>
/// (default <c>audit/</c>; unset or blank is the default), and whether the stack accepts an unprotected audit bucket
/// (<c>ALLOW_UNPROTECTED_BACKUPS</c>, see BucketProtection). Every function that writes or verifies the log
/// (AuditRecord, AuditVerify, the engine jobs) reads it here, so they cannot disagree about which log it is.
/// </summary>
public static class AuditEnvironment
{
    public const string BucketVariable = "AUDIT_BUCKET";
    public const string PrefixVariable = "AUDIT_PREFIX";

    /// <summary>The audit log's options from <paramref name="environment"/>, checked.</summary>
    /// <exception cref="FunctionConfigurationException">A variable is missing or bad; the message names it.</exception>
    public static AuditLogOptions Read(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var settings = new EnvironmentSettings(environment);
        var options = new AuditLogOptions
        {
            Bucket = settings.Required(BucketVariable, "the audit log's bucket"),
            Prefix = settings.Optional(PrefixVariable, AuditLogOptions.DefaultPrefix),
            AllowUnprotectedBucket = DisasterRecovery.Catalog.BucketProtection.AllowedBy(environment),
        };
        try
        {
            options.Validate();
        }
        catch (InvalidInputException e)
        {
            var variable = e.Field switch
            {
                "bucket" => BucketVariable,
                "prefix" => PrefixVariable,
                _ => e.Field,
            };
            throw new FunctionConfigurationException($"{variable}: {e.Problem}");
        }

        return options;
    }
}
