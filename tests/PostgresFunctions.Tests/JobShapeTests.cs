using System.Xml.Linq;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>
/// The shape ARCHITECTURE.md's recipe asks of every engine, checked where it would quietly erode: the engine stays pure
/// (no catalog, audit, secrets or job layer), handlers stay adapters, function projects hold only adapters.
/// </summary>
public sealed class JobShapeTests
{
    /// <summary>What an engine must not reference: its jobs project does that.</summary>
    private static readonly string[] NotForEngines =
        ["DisasterRecovery.Catalog", "DisasterRecovery.Audit", "DisasterRecovery.Secrets", "DisasterRecovery.Jobs", "AWSSDK.S3"];

    /// <summary>The files a function project may hold.</summary>
    private static readonly string[] AdapterSuffixes = ["EntryPoint.cs", "Handler.cs", "Request.cs", "Result.cs", "JsonContext.cs", "Program.cs"];

    /// <summary>
    /// Functions not yet in the shape, each with why. Remove an entry when its function is reshaped; never add one for a
    /// function that has a job.
    /// </summary>
    private static readonly Dictionary<string, string> NotYetInShape = new(StringComparer.Ordinal)
    {
    };

    [Fact]
    public void EngineAssembly_WhenBuilt_ShouldReferenceNoCatalogAuditSecretsOrJobs()
    {
        // Arrange: what the compiled engine references, and what its project file references.
        var compiled = typeof(PostgresDumper).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var project = XDocument.Load(RepositoryPaths.Of("functions", "Shared", "Postgres", "Postgres.csproj"));
        var declared = project.Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value)).ToList();

        // Act
        var offending = compiled.Concat(declared.Select(d => d.StartsWith("AWSSDK", StringComparison.Ordinal) ? d : "DisasterRecovery." + d))
            .Where(name => NotForEngines.Contains(name, StringComparer.Ordinal)).Distinct().ToList();

        // Assert
        Assert.True(offending.Count == 0,
            $"the engine (functions/Shared/Postgres) references {string.Join(", ", offending)}; that belongs in its jobs project");
    }

    [Fact]
    public void Handlers_WhenCounted_ShouldBeAdaptersOfAtMostTwentyLines()
    {
        // Arrange
        var handlers = Directory.GetFiles(RepositoryPaths.Of("functions"), "*Handler.cs", SearchOption.AllDirectories)
            .Where(path => Path.GetFileName(Path.GetDirectoryName(path)) is { } function && !NotYetInShape.ContainsKey(function)
                && Path.GetDirectoryName(Path.GetDirectoryName(path)) == RepositoryPaths.Of("functions"))
            .ToList();

        // Act
        var tooLong = handlers.Select(path => (Path: Path.GetRelativePath(RepositoryPaths.Root, path), Lines: File.ReadAllLines(path).Length))
            .Where(h => h.Lines > 20).ToList();

        // Assert
        Assert.Contains(handlers, path => path.EndsWith("PostgresBackupHandler.cs", StringComparison.Ordinal));
        var listed = string.Join(", ", tooLong.Select(h => $"{h.Path} ({h.Lines})"));
        Assert.True(tooLong.Count == 0, "handlers over 20 lines (give the work a job class): " + listed);
    }

    [Fact]
    public void FunctionProjects_WhenListed_ShouldHoldOnlyAdapters()
    {
        // Arrange
        var functions = Directory.GetDirectories(RepositoryPaths.Of("functions"))
            .Where(dir => Directory.GetFiles(dir, "*.csproj").Length == 1 && !NotYetInShape.ContainsKey(Path.GetFileName(dir))).ToList();

        // Act
        var domainFiles = functions.SelectMany(dir => Directory.GetFiles(dir, "*.cs"))
            .Where(path => !AdapterSuffixes.Any(suffix => path.EndsWith(suffix, StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path)).ToList();

        // Assert
        Assert.Contains(functions, dir => dir.EndsWith("TableRecovery", StringComparison.Ordinal));
        Assert.True(domainFiles.Count == 0, "domain code belongs in a functions/Shared/<Domain> project: " + string.Join(", ", domainFiles));
    }
}
