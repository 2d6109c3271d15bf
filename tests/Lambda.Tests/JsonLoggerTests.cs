using System.Text.Json;
using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Lambda.Tests;

public sealed class JsonLoggerTests
{
    private static (JsonLogger Logger, StringWriter Output) NewLogger()
    {
        var output = new StringWriter();
        return (new JsonLogger("PostgresBackup", output, TimeProvider.System, "req-9"), output);
    }

    [Fact]
    public void Write_WhenCalled_ShouldEmitOneJsonObjectWithTheStandardFieldsFirst()
    {
        var (logger, output) = NewLogger();

        logger.Info("backup committed", ("backupId", "pg-2026"), ("bytes", 1234L), ("verified", true));

        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(line);
        var names = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["time", "level", "requestId", "function", "message", "backupId", "bytes", "verified"], names);
        Assert.Equal("INFO", json.RootElement.GetProperty("level").GetString());
        Assert.Equal(1234, json.RootElement.GetProperty("bytes").GetInt64());
        Assert.True(json.RootElement.GetProperty("verified").GetBoolean());
    }

    [Theory]
    [InlineData("Host=db;Username=u;Password=hunter2;Database=d", "hunter2")]
    [InlineData("postgresql://backup:hunter2@db.internal:5432/app", "hunter2")]
    [InlineData("redis: password='hunter2' rejected", "hunter2")]
    [InlineData("PWD = hunter2", "hunter2")]
    public void Write_WhenMessageOrFieldHoldsASecret_ShouldMaskIt(string text, string secret)
    {
        var (logger, output) = NewLogger();

        logger.Error(text, ("detail", text), ("error", new InvalidOperationException(text)));

        Assert.DoesNotContain(secret, output.ToString(), StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WhenFieldNameSaysSecret_ShouldMaskTheWholeValue()
    {
        var (logger, output) = NewLogger();

        logger.Info("rotated", ("newPassword", "anything-at-all"), ("apiToken", "t0k3n"));

        Assert.DoesNotContain("anything-at-all", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_WhenTextHasNoSecret_ShouldLeaveItAlone()
    {
        const string text = "restored 1200 rows into \"public\".\"orders\" from backup pg-20260101";

        Assert.Equal(text, SecretRedactor.Redact(text));
    }
}
