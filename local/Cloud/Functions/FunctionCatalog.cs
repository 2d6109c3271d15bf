using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.LocalCloud.Functions;

/// <summary>
/// Finds a function's code the way the dotnet10 runtime does: the template's Handler is an assembly name, and the
/// assembly's <see cref="ILambdaEntryPoint"/> builds the function. LocalCloud references every function project,
/// so the assemblies sit next to it.
/// </summary>
public static class FunctionCatalog
{
    private const string LambdaAssembly = "DisasterRecovery.Lambda";

    /// <summary>The <see cref="ILambdaEntryPoint"/> type in the assembly named <paramref name="handler"/>.</summary>
    /// <exception cref="FunctionNotFoundException">No such assembly, or it has no (or more than one) entry point.</exception>
    public static Type FindEntryPoint(string functionLogicalId, string handler)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(handler));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new FunctionNotFoundException(
                $"{functionLogicalId}: Handler '{handler}' names no function assembly the local cloud references " +
                $"(it references: {string.Join(", ", KnownFunctionAssemblies())}); add a ProjectReference to local/Cloud/Cloud.csproj");
        }

        var entryPoints = assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ILambdaEntryPoint).IsAssignableFrom(t))
            .ToList();
        return entryPoints.Count switch
        {
            1 => entryPoints[0],
            0 => throw new FunctionNotFoundException($"{functionLogicalId}: assembly '{handler}' has no public class implementing ILambdaEntryPoint"),
            _ => throw new FunctionNotFoundException(
                $"{functionLogicalId}: assembly '{handler}' has {entryPoints.Count} ILambdaEntryPoint classes " +
                    $"({string.Join(", ", entryPoints.Select(t => t.Name))}); a function has one"),
        };
    }

    /// <summary>Builds the function through its entry point, as the function's own Program.cs does.</summary>
    public static ILambdaFunction Create(Type entryPoint, IReadOnlyDictionary<string, string> environment)
    {
        var create = typeof(FunctionCatalog).GetMethod(nameof(CreateFrom), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(entryPoint);
        try
        {
            return (ILambdaFunction)create.Invoke(null, [environment])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Assemblies next to LocalCloud that are built on DisasterRecovery.Lambda: the function projects it references.</summary>
    public static IReadOnlyList<string> KnownFunctionAssemblies()
    {
        var found = new List<string>();
        foreach (var path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var pe = new PEReader(stream);
                if (!pe.HasMetadata)
                {
                    continue;
                }

                var metadata = pe.GetMetadataReader();
                var name = metadata.GetString(metadata.GetAssemblyDefinition().Name);
                var usesLambda = metadata.AssemblyReferences.Any(r => metadata.GetString(metadata.GetAssemblyReference(r).Name) == LambdaAssembly);
                var hasEntryPoint = pe.PEHeaders.CorHeader?.EntryPointTokenOrRelativeVirtualAddress != 0;
                if (usesLambda && hasEntryPoint && name != typeof(FunctionCatalog).Assembly.GetName().Name
                    && !name.EndsWith(".Tests", StringComparison.Ordinal))
                {
                    found.Add(name);
                }
            }
            catch (BadImageFormatException)
            {
                // Not a .NET assembly.
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static ILambdaFunction CreateFrom<TEntryPoint>(IReadOnlyDictionary<string, string> environment)
        where TEntryPoint : ILambdaEntryPoint => TEntryPoint.Create(environment);
}

/// <summary>A function name, ARN or Handler that does not lead to a function.</summary>
public sealed class FunctionNotFoundException(string message) : Exception(message);
