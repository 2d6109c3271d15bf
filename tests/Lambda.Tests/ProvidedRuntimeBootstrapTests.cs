using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.Lambda.Tests;

/// <summary>
/// The same program, built by the Makefile rule `sam build` uses, runs as `bootstrap` on the
/// provided.al2023 runtime: self-contained, no `dotnet` host in front of it.
/// </summary>
public sealed class ProvidedRuntimeBootstrapTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "dr-bootstrap-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Bootstrap_WhenBuiltForTheProvidedRuntime_ShouldServeInvocationsWithoutTheDotnetHost()
    {
        var artifacts = BuildBootstrap("HealthCheck", "HealthCheckFunction");
        await using var service = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("ok"));
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.StartExecutable(Path.Combine(artifacts, "bootstrap"), api.Address);
        api.Enqueue(
            "boot-1",
            JsonSerializer.Serialize(new Dictionary<string, object> { ["url"] = service.BaseUrl.ToString() }),
            DateTimeOffset.UtcNow.AddMinutes(1));

        var call = await api.NextPostAsync();

        Assert.True(File.Exists(Path.Combine(artifacts, "libcoreclr.so")), "the artifact is not self-contained");
        Assert.False(File.Exists(Path.Combine(artifacts, "HealthCheck")), "the apphost was not renamed to bootstrap");
        Assert.Equal("/runtime/invocation/boot-1/response", call.Path);
        using var body = JsonDocument.Parse(call.Body);
        Assert.True(body.RootElement.GetProperty("healthy").GetBoolean());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Copies the sources aside (so the test build's obj/ folders are untouched) and runs make.</summary>
    private string BuildBootstrap(string function, string logicalId)
    {
        CopyTree(RepositoryPaths.Of("functions"), Path.Combine(_work, "functions"));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
        {
            File.Copy(RepositoryPaths.Of(file), Path.Combine(_work, file));
        }

        var artifacts = Path.Combine(_work, "artifacts");
        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        var make = new ProcessStartInfo("make")
        {
            WorkingDirectory = Path.Combine(_work, "functions", function),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { $"build-{logicalId}", $"ARTIFACTS_DIR={artifacts}", "LAMBDA_RUNTIME=provided", $"LAMBDA_ARCH={arch}" })
        {
            make.ArgumentList.Add(argument);
        }

        using var process = Process.Start(make)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"make failed:\n{output.Result}\n{errors.Result}");
        return artifacts;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(dir);
            if (name is "bin" or "obj")
            {
                continue;
            }

            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
