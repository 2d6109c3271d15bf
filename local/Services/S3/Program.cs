using System.CommandLine;
using DisasterRecovery.LocalS3;

// The standalone local S3 endpoint: dotnet run --project local/Services/S3 -- --state <folder> --port <port>
// Request log lines (JSON) go to stdout; human-readable start-up lines go to stderr.
var stateOption = new Option<string>("--state")
{
    Description = "Folder for buckets, objects and the generated credentials file (created if missing).",
    Required = true,
};
var portOption = new Option<int>("--port")
{
    Description = "TCP port on 127.0.0.1 (0 picks a free one).",
    DefaultValueFactory = _ => 9000,
};
var regionOption = new Option<string>("--region")
{
    Description = "Region requests must be signed for.",
    DefaultValueFactory = _ => "us-east-1",
};
var root = new RootCommand("Local S3-compatible endpoint of the disaster-recovery local cloud.")
{
    stateOption,
    portOption,
    regionOption,
};

root.SetAction(async (parseResult, cancellationToken) =>
{
    // Keys may come from the environment; otherwise from (or into) <state>/credentials. Never from argv,
    // where other users of the machine could read them.
    var accessKeyId = Environment.GetEnvironmentVariable("LOCALS3_ACCESS_KEY_ID");
    var secretAccessKey = Environment.GetEnvironmentVariable("LOCALS3_SECRET_ACCESS_KEY");
    if (string.IsNullOrEmpty(accessKeyId) || string.IsNullOrEmpty(secretAccessKey))
    {
        accessKeyId = secretAccessKey = null;
    }

    await using var server = await LocalS3Server.StartAsync(new LocalS3Options
    {
        StateDirectory = parseResult.GetValue(stateOption)!,
        Port = parseResult.GetValue(portOption),
        Region = parseResult.GetValue(regionOption)!,
        AccessKeyId = accessKeyId,
        SecretAccessKey = secretAccessKey,
    }, cancellationToken);

    await Console.Error.WriteLineAsync($"LocalS3 listening on {server.Endpoint} (region {server.Region}, path-style addressing)");
    await Console.Error.WriteLineAsync($"State folder: {server.StateDirectory}");
    await Console.Error.WriteLineAsync(server.CredentialsFilePath is null
        ? $"Credentials: from LOCALS3_ACCESS_KEY_ID / LOCALS3_SECRET_ACCESS_KEY (access key id {server.AccessKeyId})"
        : $"Credentials: {server.CredentialsFilePath} (profile local-s3, access key id {server.AccessKeyId})");

    try
    {
        await server.WaitForShutdownAsync(cancellationToken);
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C or SIGTERM: dispose below stops the server.
    }

    return 0;
});

return await root.Parse(args).InvokeAsync();
