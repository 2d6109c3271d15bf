using DisasterRecovery.LocalTemplate;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>The files the deployment is made of, found from the repository's top folder.</summary>
internal static class DeploymentFiles
{
    private static readonly Lazy<SamTemplate> LoadedTemplate = new(() => SamTemplate.Load(TemplatePath));

    /// <summary>The SAM template that <c>sam deploy</c> uses.</summary>
    public static string TemplatePath => RepositoryPaths.Of("template.yaml");

    /// <summary>The solution every function project must be listed in.</summary>
    public static string SolutionPath => RepositoryPaths.Of("Serverless.sln");

    /// <summary>Sample inputs for <c>sam local invoke -e</c> and the state machines.</summary>
    public static string EventsFolder => RepositoryPaths.Of("events");

    /// <summary>The official SAM schema: <c>&lt;repo&gt;/../shared/schemas/sam.schema.json</c>.</summary>
    public static string SamSchemaPath => Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "schemas", "sam.schema.json"));

    /// <summary>The folder with the pinned asl-validator's package.json and package-lock.json.</summary>
    public static string AslValidatorFolder => RepositoryPaths.Of("tests", "Deployment.Tests", "asl-validator");

    /// <summary>The settings of <c>sam build</c> and <c>sam deploy</c>, one environment per <c>--config-env</c>.</summary>
    public static string SamConfigPath => RepositoryPaths.Of("samconfig.toml");

    /// <summary>template.yaml, read once for all tests.</summary>
    public static SamTemplate Template => LoadedTemplate.Value;
}
