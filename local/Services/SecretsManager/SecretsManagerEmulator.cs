using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalSecretsManager;

/// <summary>
/// Secrets Manager for <c>aws-sdk:secretsmanager</c> tasks: getSecretValue, putSecretValue, describeSecret and
/// createSecret, with the request and response members as Step Functions spells them (the AWS SDK for Java v2's names, capitalised: <c>Arn</c>, not the API's
/// <c>ARN</c>) and errors reported as
/// <c>SecretsManager.&lt;Name&gt;Exception</c>. Secrets live in the owner-only <c>secrets.json</c> of the state folder
/// (<see cref="SecretStore"/>); nothing here logs or puts a value in an error. A value a flow reads with
/// getSecretValue is in that execution's history, as it is on AWS.
/// </summary>
public sealed class SecretsManagerEmulator : ServiceEmulator
{
    /// <param name="store">The secrets.</param>
    public SecretsManagerEmulator(SecretStore store)
    {
        Store = store;
        var tag = Shape.Structure(Opt("Key", Shape.String), Opt("Value", Shape.String));
        Action("getSecretValue", Shape.Structure(
            Req("SecretId", Shape.String), Opt("VersionId", Shape.String), Opt("VersionStage", Shape.String)), GetSecretValue);
        Action("putSecretValue", Shape.Structure(
            Req("SecretId", Shape.String),
            Opt("ClientRequestToken", Shape.String),
            Opt("SecretBinary", Shape.String),
            Opt("SecretString", Shape.String),
            Opt("VersionStages", Shape.List(Shape.String)),
            Opt("RotationToken", Shape.String)), PutSecretValue);
        Action("describeSecret", Shape.Structure(Req("SecretId", Shape.String)), DescribeSecret);
        Action("createSecret", Shape.Structure(
            Req("Name", Shape.String),
            Opt("ClientRequestToken", Shape.String),
            Opt("Description", Shape.String),
            Opt("KmsKeyId", Shape.String),
            Opt("SecretBinary", Shape.String),
            Opt("SecretString", Shape.String),
            Opt("Tags", Shape.List(tag))), CreateSecret);
    }

    /// <inheritdoc />
    public override string ServiceName => "secretsmanager";

    /// <inheritdoc />
    public override string ErrorPrefix => "SecretsManager";

    /// <summary>The secrets, for tests, the extension endpoint and the platform stand-in.</summary>
    public SecretStore Store { get; }

    private JsonNode? GetSecretValue(JsonObject parameters, ServiceCallContext context)
    {
        var value = Store.GetValue(Text(parameters, "SecretId")!, Text(parameters, "VersionId"), Text(parameters, "VersionStage"));
        var result = new JsonObject
        {
            ["Arn"] = value.Arn,
            ["CreatedDate"] = Timestamp(value.CreatedDate),
            ["Name"] = value.Name,
        };
        if (value.SecretBinary is not null)
        {
            result["SecretBinary"] = value.SecretBinary;
        }

        if (value.SecretString is not null)
        {
            result["SecretString"] = value.SecretString;
        }

        result["VersionId"] = value.VersionId;
        result["VersionStages"] = Strings(value.VersionStages);
        return result;
    }

    private JsonNode? PutSecretValue(JsonObject parameters, ServiceCallContext context)
    {
        var written = Store.PutValue(Text(parameters, "SecretId")!, new SecretValueUpdate
        {
            SecretString = Text(parameters, "SecretString"),
            SecretBinary = Text(parameters, "SecretBinary"),
            ClientRequestToken = Text(parameters, "ClientRequestToken"),
            VersionStages = (parameters["VersionStages"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList(),
        }, context.Clock.GetUtcNow());
        return new JsonObject
        {
            ["Arn"] = written.Arn,
            ["Name"] = written.Name,
            ["VersionId"] = written.VersionId,
            ["VersionStages"] = Strings(written.VersionStages),
        };
    }

    private JsonNode? DescribeSecret(JsonObject parameters, ServiceCallContext context)
    {
        var secret = Store.Describe(Text(parameters, "SecretId")!);
        var result = new JsonObject
        {
            ["Arn"] = secret.Arn,
            ["CreatedDate"] = Timestamp(secret.CreatedDate),
        };
        if (secret.Description is not null)
        {
            result["Description"] = secret.Description;
        }

        if (secret.KmsKeyId is not null)
        {
            result["KmsKeyId"] = secret.KmsKeyId;
        }

        result["LastChangedDate"] = Timestamp(secret.LastChangedDate);
        result["Name"] = secret.Name;
        if (secret.Tags.Count > 0)
        {
            result["Tags"] = new JsonArray(secret.Tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
        }

        var versions = new JsonObject();
        foreach (var (versionId, stages) in secret.VersionIdsToStages)
        {
            versions[versionId] = Strings(stages);
        }

        result["VersionIdsToStages"] = versions;
        return result;
    }

    private JsonNode? CreateSecret(JsonObject parameters, ServiceCallContext context)
    {
        var tags = (parameters["Tags"] as JsonArray ?? [])
            .Select(t => new StoredTag { Key = Text((JsonObject)t!, "Key"), Value = Text((JsonObject)t!, "Value") })
            .ToList();
        var created = Store.Create(new NewSecret(Text(parameters, "Name")!)
        {
            SecretString = Text(parameters, "SecretString"),
            SecretBinary = Text(parameters, "SecretBinary"),
            Description = Text(parameters, "Description"),
            KmsKeyId = Text(parameters, "KmsKeyId"),
            ClientRequestToken = Text(parameters, "ClientRequestToken"),
            Tags = tags,
        }, context.Clock.GetUtcNow());
        var result = new JsonObject { ["Arn"] = created.Arn, ["Name"] = created.Name };
        if (created.VersionId is not null)
        {
            result["VersionId"] = created.VersionId;
        }

        return result;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
