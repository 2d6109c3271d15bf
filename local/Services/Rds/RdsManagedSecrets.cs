using System.Security.Cryptography;
using System.Text.Json;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

/// <summary>
/// Where the emulator keeps the master passwords it manages (<c>ManageMasterUserPassword</c>): the local cloud gives it
/// its Secrets Manager, so a function reads an instance's credentials by the <c>MasterUserSecret.SecretArn</c> the
/// instance describes, as it would on AWS. Without a store, <c>ManageMasterUserPassword</c> is refused as not implemented.
/// </summary>
public interface IRdsManagedSecrets
{
    /// <summary>Creates the secret <paramref name="name"/> holding <paramref name="secretString"/>; returns its ARN.</summary>
    string Create(string name, string secretString, string description);
}

// createDBInstance's ManageMasterUserPassword: RDS generates the password and keeps it in a Secrets Manager secret named
// rds!db-<id> holding {"username", "password"}; describeDBInstances shows MasterUserSecret {SecretArn, SecretStatus}.
public sealed partial class RdsEmulator
{
    /// <summary>A password for a managed secret: 32 printable characters RDS accepts.</summary>
    private static string ManagedPassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.~";
        return RandomNumberGenerator.GetString(alphabet, 32);
    }

    /// <summary>The password of a createDBInstance: given, or generated for a managed secret (then <paramref name="managed"/> is true).</summary>
    private string MasterPassword(Api.Request request, out bool managed)
    {
        managed = request.Bool("ManageMasterUserPassword") == true;
        if (!managed)
        {
            return request.String("MasterUserPassword") ?? string.Empty;
        }

        if (_options.ManagedSecrets is null)
        {
            throw RdsErrors.NotImplemented("A master password managed in Secrets Manager (ManageMasterUserPassword) without a secrets store");
        }

        if (request.String("MasterUserPassword") is not null)
        {
            throw RdsErrors.InvalidParameterCombination("You can't specify MasterUserPassword and ManageMasterUserPassword at the same time.");
        }

        return ManagedPassword();
    }

    /// <summary>Stores the managed secret of a new instance and records its ARN.</summary>
    private void StoreManagedSecret(InstanceRecord record, string password)
    {
        var value = JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = record.MasterUsername, ["password"] = password });
        record.MasterUserSecretArn = _options.ManagedSecrets!.Create(
            "rds!" + record.ResourceId.ToLowerInvariant(), value, $"Master password of the local RDS instance {record.Identifier}");
    }
}
