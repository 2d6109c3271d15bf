using DisasterRecovery.Audit;
using DisasterRecovery.Core;

namespace DisasterRecovery.Audit.Tests;

public sealed class AuditEnvironmentTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Read_WhenThePrefixIsUnsetOrBlank_ShouldUseTheDefaultPrefix(string? prefix)
    {
        // Arrange
        var environment = new Dictionary<string, string> { ["AUDIT_BUCKET"] = "audit-bucket" };
        if (prefix is not null)
        {
            environment["AUDIT_PREFIX"] = prefix;
        }

        // Act
        var options = AuditEnvironment.Read(environment);

        // Assert
        Assert.Equal("audit-bucket", options.Bucket);
        Assert.Equal(AuditLogOptions.DefaultPrefix, options.Prefix);
    }

    [Fact]
    public void Read_WhenBothAreSet_ShouldUseThem()
    {
        // Act
        var options = AuditEnvironment.Read(new Dictionary<string, string> { ["AUDIT_BUCKET"] = "b", ["AUDIT_PREFIX"] = "team/audit/" });

        // Assert
        Assert.Equal("b", options.Bucket);
        Assert.Equal("team/audit/", options.Prefix);
    }

    [Theory]
    [InlineData(null, null, "AUDIT_BUCKET", "is not set")]
    [InlineData(" ", "audit/", "AUDIT_BUCKET", "is not set")]
    [InlineData("b", "../escape/", "AUDIT_PREFIX", "'../escape/'")]
    [InlineData("b", "no-slash", "AUDIT_PREFIX", "ending in '/'")]
    [InlineData("b", "/rooted/", "AUDIT_PREFIX", "not starting with one")]
    public void Read_WhenAVariableIsMissingOrBad_ShouldThrowFunctionConfigurationNamingIt(string? bucket, string? prefix, string variable, string problem)
    {
        // Arrange
        var environment = new Dictionary<string, string>();
        if (bucket is not null)
        {
            environment["AUDIT_BUCKET"] = bucket;
        }

        if (prefix is not null)
        {
            environment["AUDIT_PREFIX"] = prefix;
        }

        // Act
        var error = Assert.Throws<FunctionConfigurationException>(() => AuditEnvironment.Read(environment));

        // Assert
        Assert.StartsWith(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
