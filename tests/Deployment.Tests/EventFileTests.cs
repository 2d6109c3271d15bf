using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>events/ holds only valid JSON.</summary>
public sealed class EventFileTests
{
    [Fact]
    public void EventFiles_WhenParsed_ShouldAllBeValidJson()
    {
        Assert.True(Directory.Exists(DeploymentFiles.EventsFolder), $"{DeploymentFiles.EventsFolder} does not exist");
        Assert.NotEmpty(Directory.GetFiles(DeploymentFiles.EventsFolder, "*", SearchOption.AllDirectories));

        var problems = EventFileChecks.InvalidJsonFiles(DeploymentFiles.EventsFolder);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void InvalidJsonFiles_WhenAFileIsBroken_ShouldReportItWithTheLine()
    {
        using var folder = new TemporaryFolder();
        folder.Write("good.json", """{"url": "https://example.com/health"}""");
        folder.Write(Path.Combine("nested", "broken.json"), "{\n  \"url\": \"https://example.com\",\n}\n");

        var problems = EventFileChecks.InvalidJsonFiles(folder.Path);

        var problem = Assert.Single(problems);
        Assert.StartsWith(Path.Combine("nested", "broken.json") + ":", problem, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 2", problem, StringComparison.Ordinal);
    }
}
