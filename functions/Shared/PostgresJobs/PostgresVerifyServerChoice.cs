using DisasterRecovery.Core;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Where a backup verification restores its scratch copy, and whether it may: the request's <c>scratch</c>, else
/// SCRATCH_SECRET_ID, else production's own server (the default secret). A full copy of production on production's server
/// competes with it for I/O, CPU and storage, so that needs <c>"onProductionServer": true</c> in the request.
/// </summary>
public static class PostgresVerifyServerChoice
{
    /// <summary>Refuses the fields that only apply to verifying a backup when the request checks a restored database in place.</summary>
    public static void Validate(PostgresVerifyRequest request)
    {
        if (request.FreeStorageBytes is < 0)
        {
            throw new InvalidInputException("freeStorageBytes", $"must be a number of bytes of at least 0, was {request.FreeStorageBytes}");
        }

        if (request.Database is null)
        {
            return;
        }

        var field = request.OnProductionServer is not null ? "onProductionServer"
            : request.FreeStorageBytes is not null ? "freeStorageBytes"
            : request.MeasureOnly is not null ? "measureOnly"
            : null;
        if (field is not null)
        {
            throw new InvalidInputException(field,
                "applies to verifying a backup in a scratch database; with 'database' the restored database is checked in place");
        }
    }

    /// <summary>
    /// The scratch server's connection; <see cref="InvalidInputException"/> naming <c>onProductionServer</c> when it is production's
    /// server and the request did not opt in. Production's server: the default secret, without a host of another server.
    /// </summary>
    public static DatabaseConnection Choose(PostgresVerifyRequest request, string? scratchSecretId, string defaultSecretId)
    {
        var scratch = request.Scratch ?? new DatabaseConnection { SecretId = scratchSecretId ?? defaultSecretId };
        var onProduction = string.Equals(scratch.SecretId, defaultSecretId, StringComparison.Ordinal) && scratch.Host is null;
        if (onProduction && request.OnProductionServer != true)
        {
            throw new InvalidInputException("onProductionServer",
                $"the verification would restore a full copy of the backup on production's server (secret '{defaultSecretId}': no 'scratch' " +
                "server in the request and SCRATCH_SECRET_ID not set). Run the verify-backup flow (it creates a scratch instance), name a " +
                "scratch server in 'scratch', or set \"onProductionServer\": true to run it there anyway. Nothing was restored");
        }

        return scratch;
    }
}
