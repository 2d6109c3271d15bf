using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>
/// PostgresAssess recommends Lambda only when the estimate fits the limits it is told: they must be the limits the
/// template gives the functions that run the jobs, or a change of Timeout or MemorySize would leave the choice stale.
/// </summary>
public sealed class RunnerLimitsTests
{
    [Theory]
    [InlineData("BACKUP", "PostgresBackupFunction")]
    [InlineData("RESTORE", "PostgresRestoreFunction")]
    public void PostgresAssess_WhenToldAJobFunctionsLimits_ShouldBeToldTheTemplatesTimeoutAndMemory(string job, string function)
    {
        var template = DeploymentFiles.Template;
        var variables = template.Resources["PostgresAssessFunction"].Properties["Environment"]?["Variables"];
        var properties = template.Resources[function].Properties;
        var globals = template.Globals["Function"];

        // A number in YAML, a string in Environment.Variables: compared as text.
        var timeout = (properties["Timeout"] ?? globals?["Timeout"])?.ToString();
        var memory = (properties["MemorySize"] ?? globals?["MemorySize"])?.ToString();

        Assert.NotNull(timeout);
        Assert.Equal(timeout, variables?[$"{job}_FUNCTION_TIMEOUT_SECONDS"]?.ToString());
        Assert.Equal(memory, variables?[$"{job}_FUNCTION_MEMORY_MB"]?.ToString());
    }
}
