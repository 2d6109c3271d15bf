using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// A database as a flow's input names one, with PostgresJobs' <c>DatabaseConnection</c> fields: a Secrets Manager
/// secret and optionally the host, port and database that override the secret's. The function it is passed to checks
/// the values (names, sslMode) with the same errors; here the secret is required and the port a TCP port.
/// </summary>
public sealed record DatabaseInput
{
    public string? SecretId { get; init; }

    public string? Host { get; init; }

    public int? Port { get; init; }

    public string? Database { get; init; }

    public string? SslMode { get; init; }

    public void Validate(string field)
    {
        Require.NotBlank(SecretId, field + ".secretId");
        FlowInputFields.NotEmptyWhenGiven(Host, field + ".host");
        if (Port is { } port)
        {
            Require.InRange(port, 1, 65535, field + ".port");
        }

        FlowInputFields.NotEmptyWhenGiven(Database, field + ".database");
    }
}
