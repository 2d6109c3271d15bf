using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Xunit;

namespace DisasterRecovery.TestSupport.AwsModels;

/// <summary>
/// AWS's own API models, as botocore ships them (pip's <c>botocore</c>, or Debian's <c>python3-botocore</c>): the judge
/// of every AWS call shape in the state machines and the emulators. Found once per test run: the folder of the
/// <c>botocore</c> package python3 imports, else Debian's <c>/usr/lib/python3/dist-packages/botocore</c>; the variable
/// <c>DR_BOTOCORE_DIR</c> names another one. A test that needs the models starts with <see cref="Require"/>: on a machine
/// without them it reports itself skipped with the reason, never passed.
/// </summary>
public sealed class BotocoreModels
{
    /// <summary>The variable that names the botocore package folder to use instead of python3's.</summary>
    public const string DirectoryVariable = "DR_BOTOCORE_DIR";

    private const string DebianBotocore = "/usr/lib/python3/dist-packages/botocore";

    private static readonly Lazy<(BotocoreModels? Models, string Reason)> Found = new(Find);

    private readonly ConcurrentDictionary<string, Lazy<AwsServiceModel?>> _services = new(StringComparer.Ordinal);

    private BotocoreModels(string dataDirectory) => DataDirectory = dataDirectory;

    /// <summary>The models of this machine, or null when none were found (<see cref="MissingReason"/> says why).</summary>
    public static BotocoreModels? Installed => Found.Value.Models;

    /// <summary>Why <see cref="Installed"/> is null; empty when it is not.</summary>
    public static string MissingReason => Found.Value.Reason;

    /// <summary>botocore's <c>data</c> folder.</summary>
    public string DataDirectory { get; }

    /// <summary>
    /// The models, or a skipped test: call first in every test that needs them (<c>[SkippableFact]</c>/<c>[SkippableTheory]</c>).
    /// </summary>
    /// <exception cref="SkipException">No botocore models on this machine.</exception>
    public static BotocoreModels Require()
    {
        Skip.If(Installed is null, MissingReason);
        return Installed!;
    }

    /// <summary>
    /// The newest model of a service by its botocore folder name (<c>rds</c>, <c>secretsmanager</c>, <c>cloudwatch</c>),
    /// with botocore's <c>service-2.sdk-extras.json</c> merged in as the SDKs do (RDS's <c>SourceRegion</c>); null when
    /// botocore has no such service.
    /// </summary>
    public AwsServiceModel? Service(string name) =>
        _services.GetOrAdd(name, n => new Lazy<AwsServiceModel?>(() => Load(n))).Value;

    /// <summary>A service's model; a missing one is an error (the service name is part of the caller's code).</summary>
    /// <exception cref="InvalidOperationException">botocore has no model of that name.</exception>
    public AwsServiceModel RequireService(string name) =>
        Service(name) ?? throw new InvalidOperationException($"botocore in {DataDirectory} has no model for '{name}'");

    private AwsServiceModel? Load(string name)
    {
        var serviceDirectory = Path.Combine(DataDirectory, name);
        if (!Directory.Exists(serviceDirectory))
        {
            return null;
        }

        // API versions are dates: the newest sorts last.
        var newest = Directory.GetDirectories(serviceDirectory)
            .Where(d => ModelFile(d, "service-2") is not null)
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .LastOrDefault();
        if (newest is null)
        {
            return null;
        }

        var model = ReadJson(ModelFile(newest, "service-2")!).AsObject();
        if (ModelFile(newest, "service-2.sdk-extras") is { } extrasFile && ReadJson(extrasFile)["merge"] is JsonObject merge)
        {
            MergeInto(model, merge);
        }

        return new AwsServiceModel(name, Path.GetFileName(newest), model);
    }

    /// <summary><c>name.json</c> or <c>name.json.gz</c> (pip's botocore compresses its models, Debian's may not).</summary>
    private static string? ModelFile(string directory, string name) =>
        new[] { Path.Combine(directory, name + ".json"), Path.Combine(directory, name + ".json.gz") }.FirstOrDefault(File.Exists);

    private static JsonNode ReadJson(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return JsonNode.Parse(stream) ?? throw new InvalidDataException($"{path} is empty");
    }

    /// <summary>botocore's merge of sdk-extras: objects merged key by key, anything else replaced.</summary>
    private static void MergeInto(JsonObject target, JsonObject extra)
    {
        foreach (var (key, value) in extra.ToList())
        {
            if (value is JsonObject extraObject && target[key] is JsonObject targetObject)
            {
                MergeInto(targetObject, extraObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static (BotocoreModels?, string) Find()
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates(tried))
        {
            var data = Path.Combine(candidate, "data");
            if (Directory.Exists(Path.Combine(data, "rds")))
            {
                return (new BotocoreModels(data), string.Empty);
            }

            tried.Add($"{data} has no service models");
        }

        return (null,
            "AWS's service models (botocore) are not installed, so AWS call shapes cannot be judged here: " +
            "install them with `apt-get install python3-botocore` (Debian) or `pip install botocore`. Tried: " + string.Join("; ", tried));
    }

    private static IEnumerable<string> Candidates(List<string> tried)
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            // An explicit choice is the only candidate: a test of the "not installed" path must not find the real ones.
            yield return configured;
            yield break;
        }

        if (PythonBotocore(tried) is { } imported)
        {
            yield return imported;
        }

        yield return DebianBotocore;
    }

    /// <summary>The folder of the botocore package python3 imports, or null (python3 missing, botocore not importable).</summary>
    private static string? PythonBotocore(List<string> tried)
    {
        try
        {
            using var python = Process.Start(new ProcessStartInfo("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = python.StandardOutput.ReadToEndAsync();
            var errors = python.StandardError.ReadToEndAsync();
            if (!python.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                python.Kill(entireProcessTree: true);
                tried.Add("python3 did not answer within 60 s");
                return null;
            }

            if (python.ExitCode != 0)
            {
                tried.Add($"python3 cannot import botocore ({errors.Result.Trim().Split('\n').LastOrDefault()})");
                return null;
            }

            return output.Result.Trim();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            tried.Add($"no python3 ({e.Message})");
            return null;
        }
    }
}
