using System.Text.Json;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>The sample events in events/ are what <c>sam local invoke -e</c> and the docs feed the flows.</summary>
internal static class EventFileChecks
{
    /// <summary>Every file below <paramref name="folder"/> that is not valid JSON, with the parser's reason.</summary>
    public static IReadOnlyList<string> InvalidJsonFiles(string folder)
    {
        var problems = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
            }
            catch (JsonException e)
            {
                problems.Add($"{Path.GetRelativePath(folder, file)}: {e.Message}");
            }
        }

        return problems;
    }
}
