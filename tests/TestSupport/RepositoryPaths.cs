namespace DisasterRecovery.TestSupport;

/// <summary>Finds the repository and the build outputs of its projects from a test's own location.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Serverless.sln above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository's top folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path below the repository's top folder.</summary>
    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Debug or Release: the configuration the tests themselves were built in.</summary>
    public static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The built assembly of a project (e.g. functions/HealthCheck, HealthCheck).</summary>
    public static string BuiltAssembly(string projectFolder, string assemblyName)
    {
        var path = Of(projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is not built; the test project must reference {projectFolder}", path);
        }

        return path;
    }
}
