using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// SAM functions packaged as container images (PackageType: Image): on the AWS .NET base image the image's CMD is the
/// handler, for our functions the assembly name, so the local cloud runs <c>ImageConfig.Command[0]</c> in-process.
/// </summary>
public sealed class ImageFunctionTests
{
    private const string Template = """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: dotnet10
            Timeout: 30
            Environment:
              Variables:
                DR_ENVIRONMENT: staging
        Resources:
          ImageCheckFunction:
            Type: AWS::Serverless::Function
            Metadata:
              Dockerfile: functions/HealthCheck/Dockerfile
              DockerContext: .
              DockerBuildArgs:
                FUNCTION: HealthCheck
            Properties:
              PackageType: Image
              ImageConfig:
                Command: [HealthCheck]
              MemorySize: 256
        """;

    [Fact]
    public async Task Load_WhenFunctionIsAContainerImage_ShouldRunImageConfigCommandAsTheHandlerInProcess()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("""{"status":"ok"}"""));
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(folder.Write("template.yaml", Template), Path.Combine(folder.Path, "state"));
        var function = cloud.Stack.Functions.Single();

        var outcome =
            await cloud.Functions.InvokeAsync(function, Encoding.UTF8.GetBytes($$"""{"url": "{{endpoint.BaseUrl}}health"}"""), CancellationToken.None);

        Assert.Equal(("HealthCheck", null, "Image"), (function.Handler, function.Runtime, function.PackageType));
        Assert.Equal("staging", function.Environment["DR_ENVIRONMENT"]);
        Assert.Equal("HealthCheckEntryPoint", FunctionCatalog.FindEntryPoint(function.LogicalId, function.Handler).Name);
        Assert.False(cloud.Functions.EnvironmentOf(function).ContainsKey("AWS_EXECUTION_ENV"), "an image has no managed runtime to name");
        Assert.True(outcome.Error is null, outcome.Error?.ErrorMessage);
        Assert.True(JsonNode.Parse(outcome.Output!)!["healthy"]!.GetValue<bool>());
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public void Load_WhenImageFunctionHasNoImageConfigCommand_ShouldSayNeitherHandlerNorCommandIsSet()
    {
        using var folder = new TempFolder();
        var template =
            folder.Write("template.yaml", Template.Replace("      ImageConfig:\n        Command: [HealthCheck]\n", string.Empty, StringComparison.Ordinal));

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("ImageCheckFunction: neither Handler nor ImageConfig.Command is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenImageFunctionAlsoNamesAHandler_ShouldRefuseItAsSamDoes()
    {
        using var folder = new TempFolder();
        var template = folder.Write("template.yaml",
            Template.Replace("      PackageType: Image\n", "      PackageType: Image\n      Handler: HealthCheck\n", StringComparison.Ordinal));

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("ImageCheckFunction: Handler cannot be present when PackageType is Image", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenZipFunctionHasNeitherHandlerNorImage_ShouldStillNameTheMissingHandler()
    {
        using var folder = new TempFolder();
        var template = folder.Write("template.yaml", Template
            .Replace("      PackageType: Image\n", string.Empty, StringComparison.Ordinal)
            .Replace("      ImageConfig:\n        Command: [HealthCheck]\n", string.Empty, StringComparison.Ordinal));

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("ImageCheckFunction: Handler is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("ImageConfig.Command", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenPackageTypeIsUnknown_ShouldNameTheAllowedValues()
    {
        using var folder = new TempFolder();
        var template = folder.Write("template.yaml", Template.Replace("PackageType: Image", "PackageType: Container", StringComparison.Ordinal));

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("ImageCheckFunction: PackageType must be Zip or Image, was 'Container'", error.Message, StringComparison.Ordinal);
    }
}
