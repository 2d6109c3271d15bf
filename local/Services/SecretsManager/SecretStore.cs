using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalSecretsManager;

/// <summary>
/// The local Secrets Manager's secrets, kept in an owner-only <c>secrets.json</c>, with Secrets Manager's rules:
/// secrets found by name or ARN, versions with staging labels (a new AWSCURRENT version hands AWSPREVIOUS to the one
/// it replaces), idempotent writes by ClientRequestToken, and the service's error names
/// (<c>ResourceNotFoundException</c>, <c>ResourceExistsException</c>, <c>InvalidParameterException</c>,
/// <c>InvalidRequestException</c>) as <see cref="ServiceErrorException"/>. Error messages name secrets, never values.
/// Used by the <c>secretsmanager</c> emulator, the Parameters and Secrets extension endpoint and the tests.
/// </summary>
public sealed partial class SecretStore
{
    /// <summary>The staging label of a secret's current value.</summary>
    public const string CurrentStage = "AWSCURRENT";

    /// <summary>The staging label of the value before the current one.</summary>
    public const string PreviousStage = "AWSPREVIOUS";

    /// <summary>How many versions Secrets Manager keeps before it removes deprecated (unlabelled) ones.</summary>
    public const int MaxVersions = 100;

    private const string NotFound = "Secrets Manager can't find the specified secret.";
    private readonly JsonStateFile<SecretsDocument> _file;
    private readonly string _region;
    private readonly string _accountId;
    private readonly TimeProvider _clock;

    /// <param name="path">The state file (secrets.json); created owner-only on first write.</param>
    /// <param name="region">The region in the secrets' ARNs.</param>
    /// <param name="accountId">The account in the secrets' ARNs.</param>
    /// <param name="clock">Dates of changes made without an explicit time.</param>
    public SecretStore(string path, string region, string accountId, TimeProvider clock)
    {
        _file = new JsonStateFile<SecretsDocument>(path, ownerOnly: true);
        _region = region;
        _accountId = accountId;
        _clock = clock;
    }

    /// <summary>The state file.</summary>
    public string Path => _file.Path;

    /// <summary>The names of the secrets, in creation order.</summary>
    public IReadOnlyList<string> Names => _file.Read().Secrets.Select(s => s.Name).ToList();

    /// <summary>Whether a secret with this name or ARN exists.</summary>
    public bool Exists(string secretId) => Find(_file.Read(), secretId) is not null;

    /// <summary>CreateSecret. Without a value the secret has no version until <see cref="PutValue"/>.</summary>
    /// <exception cref="ServiceErrorException">ResourceExistsException, InvalidParameterException.</exception>
    public SecretVersionRef Create(NewSecret request, DateTimeOffset? at = null)
    {
        ValidateName(request.Name);
        var hasValue = ValidateValue(request.SecretString, request.SecretBinary, required: false);
        ValidateToken(request.ClientRequestToken);
        var now = at ?? _clock.GetUtcNow();
        return _file.Update(document =>
        {
            if (document.Secrets.Any(s => s.Name == request.Name))
            {
                throw new ServiceErrorException("ResourceExistsException", $"The operation failed because the secret {request.Name} already exists.");
            }

            var secret = new StoredSecret
            {
                Name = request.Name,
                Arn = $"arn:aws:secretsmanager:{_region}:{_accountId}:secret:{request.Name}-{RandomSuffix()}",
                Description = request.Description,
                KmsKeyId = request.KmsKeyId,
                Tags = request.Tags.ToList(),
                CreatedDate = now,
                LastChangedDate = now,
            };
            string? versionId = null;
            if (hasValue)
            {
                versionId = request.ClientRequestToken ?? Guid.NewGuid().ToString();
                secret.Versions.Add(new StoredSecretVersion
                {
                    VersionId = versionId,
                    SecretString = request.SecretString,
                    SecretBinary = request.SecretBinary,
                    Stages = [CurrentStage],
                    CreatedDate = now,
                });
            }

            document.Secrets.Add(secret);
            return new SecretVersionRef(secret.Arn, secret.Name, versionId, hasValue ? [CurrentStage] : []);
        });
    }

    /// <summary>Creates a secret with a string value unless one with that name exists; true when it created it.</summary>
    /// <exception cref="ServiceErrorException">InvalidParameterException (a name Secrets Manager refuses).</exception>
    public bool CreateIfAbsent(string name, string secretString, string? description = null)
    {
        try
        {
            Create(new NewSecret(name) { SecretString = secretString, Description = description });
            return true;
        }
        catch (ServiceErrorException e) when (e.Code == "ResourceExistsException")
        {
            return false;
        }
    }

    /// <summary>GetSecretValue: the AWSCURRENT version unless a version id or staging label is given.</summary>
    /// <exception cref="ServiceErrorException">ResourceNotFoundException (no secret, or no such version).</exception>
    public SecretValue GetValue(string secretId, string? versionId = null, string? versionStage = null)
    {
        var secret = Find(_file.Read(), secretId) ?? throw new ServiceErrorException("ResourceNotFoundException", NotFound);
        var stage = versionId is null ? versionStage ?? CurrentStage : versionStage;
        var version = secret.Versions.LastOrDefault(v =>
            (versionId is null || v.VersionId == versionId) && (stage is null || v.Stages.Contains(stage)));
        if (version is null)
        {
            var what = (versionId, stage) switch
            {
                (not null, not null) => $"VersionId: {versionId} and staging label: {stage}",
                (not null, null) => $"VersionId: {versionId}",
                _ => $"staging label: {stage}",
            };
            throw new ServiceErrorException("ResourceNotFoundException", $"Secrets Manager can't find the specified secret value for {what}");
        }

        return new SecretValue(secret.Arn, secret.Name, version.VersionId, version.SecretString, version.SecretBinary, version.Stages.ToList(),
            version.CreatedDate);
    }

    /// <summary>
    /// PutSecretValue: a new version, labelled AWSCURRENT unless other labels are given. Each label moves to the new
    /// version; the version that loses AWSCURRENT gets AWSPREVIOUS. Repeating a ClientRequestToken with the same value
    /// changes nothing; with another value it is refused.
    /// </summary>
    /// <exception cref="ServiceErrorException">ResourceNotFoundException, ResourceExistsException, InvalidParameterException,
    /// InvalidRequestException.</exception>
    public SecretVersionRef PutValue(string secretId, SecretValueUpdate update, DateTimeOffset? at = null)
    {
        ValidateValue(update.SecretString, update.SecretBinary, required: true);
        ValidateToken(update.ClientRequestToken);
        var stages = update.VersionStages?.Distinct(StringComparer.Ordinal).ToList() ?? [CurrentStage];
        if (stages.Count == 0 || stages.Any(s => s.Length is 0 or > 256))
        {
            throw new ServiceErrorException("InvalidParameterException", "VersionStages must hold 1 to 20 labels of 1 to 256 characters.");
        }

        var now = at ?? _clock.GetUtcNow();
        return _file.Update(document =>
        {
            var secret = Find(document, secretId) ?? throw new ServiceErrorException("ResourceNotFoundException", NotFound);
            if (update.ClientRequestToken is { } token && secret.Versions.FirstOrDefault(v => v.VersionId == token) is { } existing)
            {
                if (existing.SecretString != update.SecretString || existing.SecretBinary != update.SecretBinary)
                {
                    throw new ServiceErrorException("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
                }

                return new SecretVersionRef(secret.Arn, secret.Name, existing.VersionId, existing.Stages.ToList());
            }

            var version = new StoredSecretVersion
            {
                VersionId = update.ClientRequestToken ?? Guid.NewGuid().ToString(),
                SecretString = update.SecretString,
                SecretBinary = update.SecretBinary,
                CreatedDate = now,
            };
            foreach (var stage in stages)
            {
                MoveStage(secret, stage, version);
            }

            secret.Versions.Add(version);
            secret.LastChangedDate = now;
            while (secret.Versions.Count > MaxVersions && secret.Versions.FirstOrDefault(v => v.Stages.Count == 0) is { } deprecated)
            {
                secret.Versions.Remove(deprecated);
            }

            return new SecretVersionRef(secret.Arn, secret.Name, version.VersionId, version.Stages.ToList());
        });
    }

    /// <summary>DescribeSecret: everything but the values.</summary>
    /// <exception cref="ServiceErrorException">ResourceNotFoundException.</exception>
    public SecretDescription Describe(string secretId)
    {
        var secret = Find(_file.Read(), secretId) ?? throw new ServiceErrorException("ResourceNotFoundException", NotFound);
        var stages = secret.Versions.Where(v => v.Stages.Count > 0)
            .ToDictionary(v => v.VersionId, v => (IReadOnlyList<string>)v.Stages.ToList(), StringComparer.Ordinal);
        return new SecretDescription(secret.Arn, secret.Name, secret.Description, secret.KmsKeyId, secret.Tags.ToList(), secret.CreatedDate,
            secret.LastChangedDate, stages);
    }

    private static void MoveStage(StoredSecret secret, string stage, StoredSecretVersion to)
    {
        var holder = secret.Versions.FirstOrDefault(v => v.Stages.Contains(stage));
        holder?.Stages.Remove(stage);
        to.Stages.Add(stage);
        if (stage == CurrentStage && holder is not null)
        {
            foreach (var version in secret.Versions)
            {
                version.Stages.Remove(PreviousStage);
            }

            holder.Stages.Add(PreviousStage);
        }
    }

    private static StoredSecret? Find(SecretsDocument document, string secretId) =>
        document.Secrets.FirstOrDefault(s => s.Name == secretId || s.Arn == secretId);

    private static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ServiceErrorException("InvalidParameterException",
                "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
        }
    }

    private static bool ValidateValue(string? secretString, string? secretBinary, bool required)
    {
        if (secretString is not null && secretBinary is not null)
        {
            throw new ServiceErrorException("InvalidParameterException",
                "You can't specify both a binary secret value and a string secret value in the same secret.");
        }

        if (secretString is null && secretBinary is null)
        {
            return required
                ? throw new ServiceErrorException("InvalidRequestException", "You must provide either SecretString or SecretBinary.")
                : false;
        }

        if (secretBinary is not null && !IsBase64(secretBinary))
        {
            throw new ServiceErrorException("InvalidParameterException", "SecretBinary must be a base64-encoded blob.");
        }

        var size = secretString is not null ? System.Text.Encoding.UTF8.GetByteCount(secretString) : secretBinary!.Length / 4 * 3;
        if (size > 65536)
        {
            throw new ServiceErrorException("InvalidParameterException", "The secret value exceeds the maximum size of 65536 bytes.");
        }

        return true;
    }

    private static void ValidateToken(string? token)
    {
        if (token is not null && token.Length is < 32 or > 64)
        {
            throw new ServiceErrorException("InvalidParameterException", "ClientRequestToken must be 32 to 64 characters long.");
        }
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[(text.Length / 4 * 3) + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static string RandomSuffix() =>
        new(RandomNumberGenerator.GetItems<char>("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6));

    [GeneratedRegex("^[A-Za-z0-9/_+=.@!-]{1,512}$")]
    private static partial Regex NamePattern();
}
