using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>samconfig.toml lets a non-guided <c>sam deploy</c> run to the end in every environment it deploys.</summary>
public sealed class SamConfigTests
{
    [Fact]
    public void SamConfig_WhenEnvironmentsDeploy_ShouldResolveTheArtifactBucketAndImageRepositories()
    {
        var sections = SamConfig.DeploySections(File.ReadAllText(DeploymentFiles.SamConfigPath));

        Assert.Superset(new HashSet<string> { "default", "primary", "dr" }, sections.Keys.ToHashSet());
        var problems = SamConfig.DeployProblems(sections);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void DeployProblems_WhenASectionLacksImageRepositories_ShouldNameTheSectionAndTheKey()
    {
        var sections = SamConfig.DeploySections("""
            version = 0.1
            [primary.deploy.parameters]
            resolve_s3 = true
            resolve_image_repos = true
            [dr.deploy.parameters]
            resolve_s3 = true
            [other.deploy.parameters]
            resolve_image_repos = false
            """);

        var problems = SamConfig.DeployProblems(sections);

        Assert.Equal(
            [
                "[dr.deploy.parameters]: no resolve_image_repos = true (sam deploy stops for the image functions' repositories)",
                "[other.deploy.parameters]: no resolve_s3 = true (sam deploy stops for the artifact bucket)",
                "[other.deploy.parameters]: no resolve_image_repos = true (sam deploy stops for the image functions' repositories)",
            ],
            problems);
    }
}
