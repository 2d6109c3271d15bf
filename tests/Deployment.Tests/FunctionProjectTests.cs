using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>Every function in template.yaml is a project that sam build (function.mk) can build and the dotnet10 runtime can start.</summary>
public sealed class FunctionProjectTests
{
    private const string ExeProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <AssemblyName>Greeter</AssemblyName>
          </PropertyGroup>
        </Project>
        """;

    [Fact]
    public void Template_WhenFunctionsAreListed_ShouldHaveAtLeastOne()
    {
        Assert.Contains(DeploymentFiles.Template.Resources.Values, resource => resource.Type == FunctionProjectChecks.FunctionType);
    }

    [Fact]
    public void Functions_WhenComparedWithTheirProjects_ShouldBeBuildableExecutablesListedInTheSolution()
    {
        var problems = FunctionProjectChecks.Problems(DeploymentFiles.Template, DeploymentFiles.SolutionPath);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Problems_WhenFunctionMatchesItsProject_ShouldFindNone()
    {
        using var folder = new TemporaryFolder();
        var (template, solution) = Scaffold(folder, ExeProject);

        Assert.Empty(FunctionProjectChecks.Problems(template, solution));
    }

    [Fact]
    public void Problems_WhenHandlerIsNotTheAssemblyName_ShouldReportBoth()
    {
        using var folder = new TemporaryFolder();
        var (template, solution) = Scaffold(folder, ExeProject, handler: "Greeter::Greeter.Function::Handle");

        var problem = Assert.Single(FunctionProjectChecks.Problems(template, solution));

        Assert.Equal("""GreeterFunction: Handler is "Greeter::Greeter.Function::Handle" but Greeter.csproj builds the assembly 'Greeter'""", problem);
    }

    [Fact]
    public void Problems_WhenAssemblyNameIsUnset_ShouldUseTheProjectFileName()
    {
        using var folder = new TemporaryFolder();
        var project = ExeProject.Replace("<AssemblyName>Greeter</AssemblyName>", "", StringComparison.Ordinal);
        var (template, solution) = Scaffold(folder, project, projectFile: "Hello.csproj");

        var problem = Assert.Single(FunctionProjectChecks.Problems(template, solution));

        Assert.Contains("builds the assembly 'Hello'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_WhenProjectIsALibraryOutsideTheSolutionWithoutMakefile_ShouldReportEach()
    {
        using var folder = new TemporaryFolder();
        var library = ExeProject.Replace("<OutputType>Exe</OutputType>", "", StringComparison.Ordinal);
        var (template, solution) = Scaffold(folder, library, listInSolution: false, makefile: false);

        var problems = FunctionProjectChecks.Problems(template, solution);

        Assert.Equal(
            [
                "GreeterFunction: functions/Greeter has no Makefile",
                "GreeterFunction: Greeter.csproj has OutputType (unset: Library); a dotnet10 handler is an executable (Exe)",
                $"GreeterFunction: {Path.Combine("functions", "Greeter", "Greeter.csproj")} is not listed in Serverless.sln",
            ],
            problems);
    }

    [Fact]
    public void Problems_WhenRuntimeAndBuildMethodAreWrong_ShouldReportBoth()
    {
        using var folder = new TemporaryFolder();
        var (template, solution) = Scaffold(folder, ExeProject, runtime: "12", buildMethod: "dotnet7");

        var problems = FunctionProjectChecks.Problems(template, solution);

        Assert.Equal(
            [
                "GreeterFunction: Runtime is 12 (resource or Globals.Function); it must be one of dotnet10, provided.al2023",
                "GreeterFunction: Metadata.BuildMethod is \"dotnet7\"; it must be makefile (sam build runs functions/function.mk)",
            ],
            problems);
    }

    [Fact]
    public void Problems_WhenFolderHoldsTwoProjects_ShouldReportTheCount()
    {
        using var folder = new TemporaryFolder();
        var (template, solution) = Scaffold(folder, ExeProject);
        folder.Write(Path.Combine("functions", "Greeter", "Greeter.Tests.csproj"), ExeProject);

        var problem = Assert.Single(FunctionProjectChecks.Problems(template, solution));

        Assert.Equal("GreeterFunction: functions/Greeter holds 2 .csproj files; function.mk builds exactly one", problem);
    }

    [Fact]
    public void Problems_WhenRuntimeComesFromGlobals_ShouldAcceptProvidedAl2023()
    {
        using var folder = new TemporaryFolder();
        var (template, solution) = Scaffold(folder, ExeProject, runtime: null, globalsRuntime: "provided.al2023");

        Assert.Empty(FunctionProjectChecks.Problems(template, solution));
    }

    /// <summary>A repository in a scratch folder: one function project, its Makefile, a solution and a template.</summary>
    private static (SamTemplate Template, string Solution) Scaffold(
        TemporaryFolder folder,
        string project,
        string projectFile = "Greeter.csproj",
        string handler = "Greeter",
        string? runtime = "dotnet10",
        string? globalsRuntime = null,
        string buildMethod = "makefile",
        bool listInSolution = true,
        bool makefile = true)
    {
        folder.Write(Path.Combine("functions", "Greeter", projectFile), project);
        if (makefile)
        {
            folder.Write(Path.Combine("functions", "Greeter", "Makefile"), "include ../function.mk\n");
        }

        var listed = listInSolution
            ? $"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"Greeter\", \"functions\\Greeter\\{projectFile}\", " +
                $"\"{{8A1DA71B-CEC5-4C3B-A32A-0A29CAB989F8}}\"\r\nEndProject\r\n"
            : "";
        var solution = folder.Write(
            "Serverless.sln",
            "\uFEFF\r\nMicrosoft Visual Studio Solution File, Format Version 12.00\r\n" + listed + "Global\r\nEndGlobal\r\n");

        var globals = globalsRuntime is null ? "" : $"Globals:\n  Function:\n    Runtime: {globalsRuntime}\n";
        var runtimeLine = runtime is null ? "" : $"      Runtime: {runtime}\n";
        var template = SamTemplate.Parse(
            globals
            + "Resources:\n"
            + "  GreeterFunction:\n"
            + "    Type: AWS::Serverless::Function\n"
            + $"    Metadata: {{BuildMethod: {buildMethod}}}\n"
            + "    Properties:\n"
            + "      CodeUri: functions/Greeter\n"
            + $"      Handler: {handler}\n"
            + runtimeLine,
            folder.Path);
        return (template, solution);
    }
}
