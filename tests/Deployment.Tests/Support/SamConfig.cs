using Tomlyn;
using Tomlyn.Model;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// samconfig.toml: one table per environment and command, <c>[env.command.parameters]</c>. The <c>local</c> environment
/// is the local cloud's (its parameter values); it is never deployed with <c>sam deploy</c>.
/// </summary>
internal static class SamConfig
{
    /// <summary>The environment the local cloud reads its parameters from.</summary>
    public const string LocalEnvironment = "local";

    /// <summary>Each deployed environment's <c>deploy.parameters</c> table, by environment name.</summary>
    public static IReadOnlyDictionary<string, TomlTable> DeploySections(string toml)
    {
        var document = TomlSerializer.Deserialize<TomlTable>(toml) ?? throw new InvalidOperationException("samconfig.toml is empty");
        var sections = new Dictionary<string, TomlTable>(StringComparer.Ordinal);
        foreach (var (environment, commands) in document)
        {
            if (environment != LocalEnvironment && commands is TomlTable byCommand
                && byCommand.TryGetValue("deploy", out var deploy) && deploy is TomlTable deployTable
                && deployTable.TryGetValue("parameters", out var parameters) && parameters is TomlTable parameterTable)
            {
                sections[environment] = parameterTable;
            }
        }

        return sections;
    }

    /// <summary>What stops a non-guided <c>sam deploy</c> in each section: an artifact bucket or image repository to ask for.</summary>
    public static IReadOnlyList<string> DeployProblems(IReadOnlyDictionary<string, TomlTable> sections)
    {
        var problems = new List<string>();
        foreach (var (environment, parameters) in sections)
        {
            if (!IsTrue(parameters, "resolve_s3") && !parameters.ContainsKey("s3_bucket"))
            {
                problems.Add($"[{environment}.deploy.parameters]: no resolve_s3 = true (sam deploy stops for the artifact bucket)");
            }

            if (!IsTrue(parameters, "resolve_image_repos") && !parameters.ContainsKey("image_repositories"))
            {
                problems.Add($"[{environment}.deploy.parameters]: no resolve_image_repos = true (sam deploy stops for the image functions' repositories)");
            }
        }

        return problems;
    }

    private static bool IsTrue(TomlTable table, string key) => table.TryGetValue(key, out var value) && value is true;
}
