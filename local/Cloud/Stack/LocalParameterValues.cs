namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>
/// Values of the local environment (samconfig.toml <c>[local.deploy.parameters]</c>) that name something the local cloud
/// starts itself, so that it only knows when it starts. One today: <c>ServiceHealthUrl = http://127.0.0.1:0/health</c>,
/// port 0 meaning what it means to a listening socket, "a free port": <see cref="LocalCloudHost.StartAsync"/> then starts
/// the platform stand-in (<see cref="Platform.LocalPlatformStandIn"/>, following the cloud's EKS and Secrets Manager
/// emulators) on a free port and loads the template with its <c>/health</c> URL instead, so the service-health
/// schedule, the restore flow's default health URL and <c>local/dr list</c> all show the real one. It does so only when
/// local/servers' servers.json is known (the stand-in checks those servers); otherwise the value stays as written and a
/// health check of it fails (nothing listens on port 0).
/// </summary>
public static class LocalParameterValues
{
    /// <summary>The template parameter the flows check the platform's health at.</summary>
    public const string ServiceHealthUrl = "ServiceHealthUrl";

    /// <summary>ServiceHealthUrl's local value: the platform stand-in's /health, on the port it gets when it starts.</summary>
    public const string PlatformStandInHealthUrl = "http://127.0.0.1:0/health";

    /// <summary>Whether the stack's ServiceHealthUrl asks for the platform stand-in.</summary>
    public static bool WantsPlatformStandIn(LoadedStack stack) =>
        stack.Parameters.TryGetValue(ServiceHealthUrl, out var url) && url == PlatformStandInHealthUrl;
}
