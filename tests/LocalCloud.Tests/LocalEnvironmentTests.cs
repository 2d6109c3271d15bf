using System.Net;
using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The local environment: samconfig.toml's <c>[local.deploy.parameters]</c> are the local cloud's parameters by default
/// (after the template's defaults, before --parameter-overrides), and its ServiceHealthUrl with port 0 becomes the
/// platform stand-in the local cloud starts.
/// </summary>
[Collection(SharedMarketplaceDatabase.Name)]
public sealed class LocalEnvironmentTests
{
    [Fact]
    public void Load_WhenRepositoryTemplate_ShouldTakeTheLocalEnvironmentsParametersFromSamconfig()
    {
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings());

        Assert.Equal("technician-marketplace-dr", stack.StackName);
        Assert.Equal(LocalParameterValues.PlatformStandInHealthUrl, stack.Parameters["ServiceHealthUrl"]);
        Assert.Equal("https://eks.local-cloud.invalid", stack.Parameters["EksEndpoint"]);
        Assert.NotEqual(string.Empty, stack.Parameters["EksCertificateAuthority"]);
        Assert.Equal("subnet-local-a,subnet-local-b", stack.Parameters["DatabaseSubnetIds"]);
        var restore = stack.FindStateMachine("RestoreDatabaseStateMachine")!;
        Assert.Equal("https://eks.local-cloud.invalid", restore.Substitutions["EksEndpoint"]);
    }

    [Fact]
    public void Load_WhenParameterOverridesNameALocalEnvironmentParameter_ShouldPreferTheCommandLine()
    {
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings
        {
            ParameterOverrides = new Dictionary<string, string> { ["EksEndpoint"] = "https://my-cluster.example" },
        });

        Assert.Equal("https://my-cluster.example", stack.Parameters["EksEndpoint"]);
        Assert.Equal("subnet-local-a,subnet-local-b", stack.Parameters["DatabaseSubnetIds"]);
    }

    [Fact]
    public void Load_WhenAnotherOrNoConfigEnvironmentIsChosen_ShouldUseItsParametersOrOnlyTheTemplatesDefaults()
    {
        var dr = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings { ConfigEnvironment = "dr" });
        var none = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings { ConfigEnvironment = null });

        Assert.Equal("dr", dr.Parameters["RegionRole"]);
        Assert.Equal("us-west-2", dr.Region);
        Assert.Equal("primary", none.Parameters["RegionRole"]);
        Assert.Equal("", none.Parameters["ServiceHealthUrl"]); // the template's "not configured" default
        Assert.Equal("http://127.0.0.1:0/health", StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings()).Parameters["ServiceHealthUrl"]);
    }

    [Fact]
    public void Load_WhenSamconfigOverridesAParameterTheTemplateLacks_ShouldNameTheFileTheSectionAndTheParameter()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>());
        folder.Write("samconfig.toml", """
            version = 0.1
            [local.deploy.parameters]
            parameter_overrides = "Typo=\"x\""
            """);

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("samconfig.toml [local.deploy.parameters] parameter_overrides: the template has no parameter 'Typo'", error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterOverrides_WhenWrittenAsSamWritesThem_ShouldReadQuotedValuesSpacesAndArrays()
    {
        var config = SamConfig.Parse("samconfig.toml",
        [
            "# comment",
            "[local.global.parameters]",
            "stack_name = \"my-stack\"  # trailing comment",
            "[local.deploy.parameters]",
            """parameter_overrides = "A=\"one two\" B=plain C=\"with \\\"quotes\\\"\" D=\"\"" """,
            "[other.deploy.parameters]",
            """parameter_overrides = ["E=1", 'F="x y"']""",
        ]);

        Assert.Equal("my-stack", config.StackName("local"));
        Assert.Equal(
            new Dictionary<string, string> { ["A"] = "one two", ["B"] = "plain", ["C"] = "with \"quotes\"", ["D"] = string.Empty },
            config.ParameterOverrides("local"));
        Assert.Equal(new Dictionary<string, string> { ["E"] = "1", ["F"] = "x y" }, config.ParameterOverrides("other"));
        Assert.Empty(config.ParameterOverrides("missing"));
    }

    [Fact]
    public void ParameterOverrides_WhenAValueIsNotClosedOrNotAPair_ShouldNameTheFileLineAndProblem()
    {
        var unclosed = SamConfig.Parse("samconfig.toml", ["[local.deploy.parameters]", "", "parameter_overrides = \"A=\\\"x\""]);
        var notPair = SamConfig.Parse("samconfig.toml", ["[local.deploy.parameters]", "parameter_overrides = \"A=1 B\""]);

        var first = Assert.Throws<StackLoadException>(() => unclosed.ParameterOverrides("local"));
        var second = Assert.Throws<StackLoadException>(() => notPair.ParameterOverrides("local"));

        Assert.Equal("samconfig.toml [local.deploy.parameters] parameter_overrides (line 3): the value of A opens a quote it does not close", first.Message);
        Assert.Equal("samconfig.toml [local.deploy.parameters] parameter_overrides (line 2): 'B' is not Key=Value", second.Message);
    }

    [Fact]
    public async Task StartAsync_WhenServiceHealthUrlAsksForTheStandInAndTheServersAreKnown_ShouldStartItAndLoadTheTemplateWithItsUrl()
    {
        using var folder = new TempFolder();
        var servers = LocalServersInfo.Read(LocalServers.InfoFile);
        await MarketplaceDatabase.EnsureAsync(servers, 1, CancellationToken.None);

        await using (var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = TestCloud.RepositoryTemplate,
            StateDirectory = Path.Combine(folder.Path, "cloud"),
            LocalServersInfoFile = LocalServers.InfoFile,
        }))
        {
            var standIn = cloud.PlatformStandIn;
            Assert.NotNull(standIn);
            var url = standIn.HealthUrl.ToString();
            using var http = new HttpClient();
            using var health = await http.GetAsync(url);
            var schedule = cloud.Stack.Schedules.Single(s => s.TargetLogicalId == "ServiceHealthStateMachine");

            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
            Assert.NotEqual(LocalParameterValues.PlatformStandInHealthUrl, url);
            Assert.Equal(url, cloud.Stack.Parameters["ServiceHealthUrl"]);
            Assert.Equal(url, TestCloud.Json(schedule.Input)["url"]!.GetValue<string>());
            Assert.Equal(url, cloud.FindStateMachine("RestoreDatabaseStateMachine").Substitutions["ServiceHealthUrl"]);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    [Fact]
    public async Task StartAsync_WhenTheLocalServersAreNotKnown_ShouldLeaveServiceHealthUrlAsWrittenAndStartNoStandIn()
    {
        using var folder = new TempFolder();

        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = TestCloud.RepositoryTemplate,
            StateDirectory = Path.Combine(folder.Path, "cloud"),
        });

        Assert.Null(cloud.PlatformStandIn);
        Assert.Equal(LocalParameterValues.PlatformStandInHealthUrl, cloud.Stack.Parameters["ServiceHealthUrl"]);
    }
}
