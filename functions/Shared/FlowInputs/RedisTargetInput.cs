using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// A Redis server as a flow's input names one, with RedisJobs' <c>RedisConnection</c> fields: a Secrets Manager secret and
/// optionally the host and port that override the secret's (a new server keeps the source's credentials).
/// </summary>
public sealed record RedisTargetInput
{
    public string? SecretId { get; init; }

    public string? Host { get; init; }

    public int? Port { get; init; }

    public void Validate(string field)
    {
        Require.NotBlank(SecretId, field + ".secretId");
        FlowInputFields.NotEmptyWhenGiven(Host, field + ".host");
        if (Port is { } port)
        {
            Require.InRange(port, 1, 65535, field + ".port");
        }
    }
}
