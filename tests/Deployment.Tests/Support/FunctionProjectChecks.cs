using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// Each <c>AWS::Serverless::Function</c> is a buildable .NET project the way functions/function.mk
/// builds it: one executable project in <c>CodeUri</c> whose assembly is the <c>Handler</c>, a Makefile,
/// <c>BuildMethod: makefile</c>, a .NET runtime, and a place in the solution.
/// </summary>
internal static partial class FunctionProjectChecks
{
    public const string FunctionType = "AWS::Serverless::Function";

    /// <summary>The runtimes function.mk builds for: the managed dotnet10 one, or self-contained on provided.al2023.</summary>
    public static readonly IReadOnlySet<string> Runtimes = new HashSet<string>(StringComparer.Ordinal) { "dotnet10", "provided.al2023" };

    /// <summary>One line per problem with any function of the template.</summary>
    public static IReadOnlyList<string> Problems(SamTemplate template, string solutionPath)
    {
        var problems = new List<string>();
        var inSolution = SolutionProjects(solutionPath);
        var globals = template.Globals["Function"] as JsonObject ?? [];
        foreach (var function in template.Resources.Values.Where(resource => resource.Type == FunctionType))
        {
            var id = function.LogicalId;
            JsonNode? Effective(string property) => function.Properties[property] ?? globals[property];

            if (TemplateChecks.Text(function.Properties["PackageType"]) == "Image")
            {
                problems.AddRange(ImageProblems(template, function, globals, inSolution));
                continue;
            }

            var runtime = Effective("Runtime");
            if (TemplateChecks.Text(runtime) is not { } name || !Runtimes.Contains(name))
            {
                problems.Add($"{id}: Runtime is {Show(runtime)} (resource or Globals.Function); it must be one of {string.Join(", ", Runtimes)}");
            }

            if (TemplateChecks.Text(function.Metadata?["BuildMethod"]) != "makefile")
            {
                problems.Add($"{id}: Metadata.BuildMethod is {Show(function.Metadata?["BuildMethod"])}; it must be makefile (sam build runs " +
                    "functions/function.mk)");
            }

            if (TemplateChecks.Text(Effective("CodeUri")) is not { Length: > 0 } codeUri)
            {
                problems.Add($"{id}: CodeUri is {Show(Effective("CodeUri"))}; it must name the function's project folder");
                continue;
            }

            var folder = Path.GetFullPath(Path.Combine(template.Directory, codeUri));
            if (!Directory.Exists(folder))
            {
                problems.Add($"{id}: CodeUri {codeUri} is not a folder (looked for {folder})");
                continue;
            }

            if (!File.Exists(Path.Combine(folder, "Makefile")))
            {
                problems.Add($"{id}: {codeUri} has no Makefile");
            }

            var projects = Directory.GetFiles(folder, "*.csproj", SearchOption.TopDirectoryOnly);
            if (projects.Length != 1)
            {
                problems.Add($"{id}: {codeUri} holds {projects.Length} .csproj files; function.mk builds exactly one");
                continue;
            }

            problems.AddRange(ProjectProblems(id, projects[0], "Handler", Effective("Handler"), inSolution, solutionPath));
        }

        return problems;
    }

    /// <summary>
    /// A container-image function (functions/Postgres.Dockerfile): no Runtime, Handler or Layers anywhere (Lambda
    /// refuses them), the Dockerfile inside DockerContext, FUNCTION naming a function project whose assembly is
    /// ImageConfig.Command[0] (the .NET base image's handler), and PG_MAJOR equal to the local servers' major version.
    /// </summary>
    private static IEnumerable<string> ImageProblems(SamTemplate template, TemplateResource function, JsonObject globals, IReadOnlySet<string> inSolution)
    {
        var id = function.LogicalId;
        foreach (var forbidden in new[] { "Runtime", "Handler", "Layers", "CodeUri" })
        {
            if (function.Properties[forbidden] is not null || (forbidden != "CodeUri" && globals[forbidden] is not null))
            {
                yield return $"{id}: {forbidden} is set (resource or Globals.Function); Lambda refuses it on PackageType Image";
            }
        }

        var context = TemplateChecks.Text(function.Metadata?["DockerContext"]);
        var dockerfile = TemplateChecks.Text(function.Metadata?["Dockerfile"]);
        if (context is null || dockerfile is null)
        {
            yield return $"{id}: Metadata needs DockerContext and Dockerfile for an image function";
            yield break;
        }

        var dockerfilePath = Path.GetFullPath(Path.Combine(template.Directory, context, dockerfile));
        if (!File.Exists(dockerfilePath))
        {
            yield return $"{id}: Dockerfile {dockerfile} does not exist in DockerContext {context}";
            yield break;
        }

        var text = File.ReadAllText(dockerfilePath);
        var name = TemplateChecks.Text(function.Metadata?["DockerBuildArgs"]?["FUNCTION"]);
        var command = TemplateChecks.Text(function.Properties["ImageConfig"]?["Command"]?[0]);
        if (name is null || command != name)
        {
            yield return $"{id}: DockerBuildArgs.FUNCTION ({name ?? "not set"}) and ImageConfig.Command[0] ({command ?? "not set"}) must both name the " +
                "function's assembly";
            yield break;
        }

        if (TemplateChecks.Text(function.Metadata?["DockerBuildArgs"]?["PG_MAJOR"]) != PostgresMajorVersion
            || !text.Contains("ARG PG_MAJOR", StringComparison.Ordinal))
        {
            yield return $"{id}: DockerBuildArgs.PG_MAJOR must be \"{PostgresMajorVersion}\" (the server's major version) and the Dockerfile must declare " +
                "ARG PG_MAJOR";
        }

        var project = Path.GetFullPath(Path.Combine(template.Directory, "functions", name, name + ".csproj"));
        if (!File.Exists(project))
        {
            yield return $"{id}: FUNCTION {name} names no project (looked for functions/{name}/{name}.csproj)";
            yield break;
        }

        foreach (var problem in ProjectProblems(
            id,
            project,
            "ImageConfig.Command[0]",
            function.Properties["ImageConfig"]?["Command"]?[0],
            inSolution,
            Path.Combine(template.Directory, "Serverless.sln")))
        {
            yield return problem;
        }
    }

    /// <summary>The PostgreSQL major version local/servers runs and the images' client must match.</summary>
    public const string PostgresMajorVersion = "15";

    private static IEnumerable<string> ProjectProblems(
        string id,
        string project,
        string handlerField,
        JsonNode? handlerNode,
        IReadOnlySet<string> inSolution,
        string solutionPath)
    {
        var xml = XDocument.Load(project);
        var assemblyName = LastProperty(xml, "AssemblyName") ?? Path.GetFileNameWithoutExtension(project);
        if (TemplateChecks.Text(handlerNode) != assemblyName)
        {
            yield return $"{id}: {handlerField} is {Show(handlerNode)} but {Path.GetFileName(project)} builds the assembly '{assemblyName}'";
        }

        if (!string.Equals(LastProperty(xml, "OutputType"), "Exe", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{id}: {Path.GetFileName(project)} has OutputType {LastProperty(xml, "OutputType") ?? "(unset: Library)"}; a dotnet10 handler is " +
                "an executable (Exe)";
        }

        if (!inSolution.Contains(project))
        {
            yield return $"{id}: {Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(solutionPath))!, project)} is not listed in " +
                $"{Path.GetFileName(solutionPath)}";
        }
    }

    /// <summary>The full paths of the projects a .sln lists.</summary>
    public static IReadOnlySet<string> SolutionProjects(string solutionPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(solutionPath))!;
        return SolutionProject().Matches(File.ReadAllText(solutionPath))
            .Select(match => Path.GetFullPath(Path.Combine(folder, match.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar))))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The last value MSBuild would see for a property set directly in the project file.</summary>
    private static string? LastProperty(XDocument project, string name) =>
        project.Descendants().Where(element => element.Name.LocalName == name && element.Parent?.Name.LocalName == "PropertyGroup")
            .Select(element => element.Value.Trim())
            .LastOrDefault();

    private static string Show(JsonNode? node) => node is null ? "(not set)" : node.ToJsonString();

    // Project("{type guid}") = "Name", "relative\path\Name.csproj", "{project guid}"
    [GeneratedRegex(@"^Project\(""\{[^}]*\}""\)\s*=\s*""[^""]*""\s*,\s*""([^""]+\.csproj)""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex SolutionProject();
}
