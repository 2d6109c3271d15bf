using System.Text;
using System.Text.Json;
using DisasterRecovery.Core;
using DisasterRecovery.Functions.TableRecovery;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>The function as a host runs it: JSON in, validation before anything connects, JSON out.</summary>
public sealed class RequestTests
{
    private const string Connections = "\"source\":{\"secretId\":\"dr/recovered\"},\"target\":{\"secretId\":\"dr/production\"}";

    [Theory]
    [InlineData("""{"tables":["jobs"],"target":{"secretId":"p"}}""", "mode", "is required")]
    [InlineData(
        """{"mode":"restore","tables":["jobs"],"target":{"secretId":"p"}}""",
        "mode", "must be one of check, preview, insert-missing, replace, side-table, was 'restore'")]
    [InlineData("""{"mode":"preview","target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables", "is required")]
    [InlineData("""{"mode":"preview","tables":[],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables", "is required")]
    [InlineData("""{"mode":"preview","tables":["a.b.c"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables[0]", "has 3 parts")]
    [InlineData(
        """{"mode":"preview","tables":["\"unterminated"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "tables[0]", "unterminated quoted name")]
    [InlineData("""{"mode":"preview","tables":["\"\""],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables[0]", "empty quoted name")]
    [InlineData("""{"mode":"preview","tables":["1jobs"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables[0]", "'1' cannot appear at the start")]
    [InlineData(
        """{"mode":"preview","tables":["order items"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "tables[0]", "' ' cannot appear in an unquoted name")]
    [InlineData("""{"mode":"preview","tables":["jobs;drop"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables[0]", "';' cannot appear")]
    [InlineData("""{"mode":"preview","tables":["sales."],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables[0]", "a name is missing after it")]
    [InlineData(
        """{"mode":"preview","tables":[".jobs"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "tables[0]", "a name is missing at position 1")]
    [InlineData("""{"mode":"preview","tables":[null],"target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables[0]", "is required")]
    [InlineData(
        """{"mode":"preview","tables":["public.jobs","\"public\".JOBS"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "tables[1]", "already named by tables[0]")]
    [InlineData(
        """{"mode":"preview","tables":["settings","JOBS","\"jobs\""],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "tables[2]", "already named by tables[1]")]
    [InlineData("""{"mode":"preview","tables":["jobs"],"source":{"secretId":"s"}}""", "target", "is required")]
    [InlineData("""{"mode":"preview","tables":["jobs"],"target":{},"source":{"secretId":"s"}}""", "target.secretId", "is required")]
    [InlineData("""{"mode":"preview","tables":["jobs"],"target":{"secretId":"p"},"source":{"secretId":" "}}""", "source.secretId", "is required")]
    [InlineData(
        """{"mode":"preview","tables":["jobs"],"target":{"secretId":"p","port":70000},"source":{"secretId":"s"}}""",
        "target.port", "must be between 1 and 65535")]
    [InlineData("""{"mode":"insert-missing","tables":["jobs"],"target":{"secretId":"p"}}""", "source", "is required")]
    [InlineData(
        """{"mode":"insert-missing","plannedMode":"replace","tables":["jobs"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "plannedMode", "only used by mode check")]
    [InlineData(
        """{"mode":"replace","tables":["jobs"],"target":{"secretId":"p"},"source":{"secretId":"s"},"catalogSource":"tm"}""",
        "catalogSource", "only used by mode check")]
    [InlineData("""{"mode":"check","tables":["jobs"],"target":{"secretId":"p"}}""", "mode", "replace or side-table, it is missing")]
    [InlineData(
        """{"mode":"check","plannedMode":"check","tables":["jobs"],"target":{"secretId":"p"}}""",
        "mode",
        "must be the mode that will run after the restore: preview, insert-missing, replace or side-table"
            + ", was 'check'")]
    [InlineData(
        """{"mode":"check","plannedMode":"restore","tables":["jobs"],"target":{"secretId":"p"}}""",
        "mode", "preview, insert-missing, replace or side-table, was 'restore'")]
    [InlineData(
        """{"mode":"check","plannedMode":"replace","tables":["jobs"],"target":{"secretId":"p"},"source":{"secretId":"s"}}""",
        "source", "not used by check")]
    [InlineData("""{"mode":"check","plannedMode":"replace","tables":["jobs"],"target":{"secretId":"p"},"catalogSource":"a/b"}""", "catalogSource", "")]
    [InlineData(
        """{"mode":"check","plannedMode":"replace","tables":["jobs"],"target":{"secretId":"p"},"restoreTime":"2024-01-15T14:30:00Z"}""",
        "restoreTime", "only used with catalogSource")]
    public async Task Invoke_WhenAFieldIsBad_ShouldRejectItNamingTheFieldBeforeReadingAnySecret(string payload, string field, string problem)
    {
        var secrets = new InMemorySecretSourceForTests();
        using var context = Context();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Function(secrets).InvokeAsync(Encoding.UTF8.GetBytes(payload), context));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.Empty(secrets.Requested);
    }

    [Theory]
    [InlineData("insert_missing")]
    [InlineData("Replace")]
    [InlineData("check")]
    public async Task Invoke_WhenThePlannedModeIsMisspelled_ShouldNameTheFlowsModeFieldOnly(string planned)
    {
        // The flow passes its input's mode as plannedMode: the person who misspelled it wrote "mode", never "plannedMode".
        using var context = Context();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Function(new InMemorySecretSourceForTests()).InvokeAsync(
            Encoding.UTF8.GetBytes($$$"""{"mode":"check","plannedMode":"{{{planned}}}","tables":["jobs"],"target":{"secretId":"p"}}"""), context));

        Assert.Equal("mode", error.Field);
        Assert.DoesNotContain("plannedMode", error.Message, StringComparison.Ordinal);
        Assert.Contains($"was '{planned}'", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenMoreThanTwentyTablesAreNamed_ShouldRejectTheList()
    {
        var tables = string.Join(",", Enumerable.Range(1, 21).Select(i => $"\"t{i}\""));
        using var context = Context();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Function(new InMemorySecretSourceForTests()).InvokeAsync(
            Encoding.UTF8.GetBytes($$"""{"mode":"preview","tables":[{{tables}}],{{Connections}}}"""), context));

        Assert.Equal("tables", error.Field);
        Assert.Contains("names 21 tables; at most 20", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenANameIsLongerThan63Bytes_ShouldRejectIt()
    {
        using var context = Context();
        var name = new string('é', 32); // 64 bytes in UTF-8

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Function(new InMemorySecretSourceForTests()).InvokeAsync(
            Encoding.UTF8.GetBytes($$"""{"mode":"preview","tables":["{{name}}"],{{Connections}}}"""), context));

        Assert.Equal("tables[0]", error.Field);
        Assert.Contains("at most 63 bytes", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"mode":"preview","tables":["jobs"],"target":{"secretId":"p"},"source":{"secretId":"s"},"table":"jobs"}""", "table")]
    [InlineData("""{"mode":"preview","tables":"jobs","target":{"secretId":"p"},"source":{"secretId":"s"}}""", "tables")]
    [InlineData("""{"mode":"preview","tables":["jobs"],"target":{"secretId":"p","password":"x"},"source":{"secretId":"s"}}""", "password")]
    public async Task Invoke_WhenJsonDoesNotFitTheRequest_ShouldRaiseMalformedInput(string payload, string mentioned)
    {
        using var context = Context();

        var error = await Assert.ThrowsAsync<MalformedInputException>(
            () => Function(new InMemorySecretSourceForTests()).InvokeAsync(Encoding.UTF8.GetBytes(payload), context));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WithAPreviewPayload_ShouldAnswerCamelCaseJsonFromTheRealDatabases()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        using var context = Context();
        var payload = $$"""{"mode":"preview","tables":["technicians","settings"],{{Connections}}}""";

        var output = await Function(scenario.Secrets).InvokeAsync(Encoding.UTF8.GetBytes(payload), context);

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("preview", root.GetProperty("mode").GetString());
        Assert.False(root.GetProperty("committed").GetBoolean());
        var technicians = root.GetProperty("tables")[0];
        Assert.Equal("public.technicians", technicians.GetProperty("table").GetString());
        Assert.Equal(3, technicians.GetProperty("missingInProduction").GetInt64());
        Assert.Equal("45", technicians.GetProperty("samples")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, technicians.GetProperty("sideTable").ValueKind);
        Assert.Equal(5, root.GetProperty("totals").GetProperty("missingInProduction").GetInt64());
        Assert.Equal([RecoveryScenario.RecoveredSecret, RecoveryScenario.ProductionSecret], scenario.Secrets.Requested);
    }

    [Fact]
    public async Task Invoke_WithThePointInTimeRecoveryStateMachinesPayload_ShouldCommitAndReportTheInsertedRows()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        using var context = Context();
        // As "Recover Tables" sends it: the source is the production secret's credentials with the side instance's endpoint,
        // and the execution's start time as timestamp (used only by side-table).
        var server = RecoveryScenario.Server;
        var payload = $$"""
            {"mode":"insert-missing","tables":["settings","\"Sales\".\"Order Items\""],
             "source":{"secretId":"dr/recovered","host":"{{server.Host}}","port":{{server.Port}}},
             "target":{"secretId":"dr/production"},"timestamp":"2026-11-26T03:24:25.123Z"}
            """;

        var output = await Function(scenario.Secrets).InvokeAsync(Encoding.UTF8.GetBytes(payload), context);

        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("committed").GetBoolean());
        Assert.Equal(5, json.RootElement.GetProperty("totals").GetProperty("inserted").GetInt64());
        Assert.Equal(10L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM public.settings"));
    }

    [Fact]
    public void Create_WhenBackupBucketIsSetButEmpty_ShouldRefuseToStart()
    {
        var error = Assert.Throws<FunctionConfigurationException>(() =>
            TableRecoveryEntryPoint.Create(new Dictionary<string, string> { ["BACKUP_BUCKET"] = " " }, new InMemorySecretSourceForTests(), null));

        Assert.Contains("BACKUP_BUCKET", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_CheckWithCatalogSourceWithoutBackupBucket_ShouldReportTheMissingConfiguration()
    {
        using var context = Context();
        var payload = """
            {"mode":"check","plannedMode":"insert-missing","tables":["jobs"],"target":{"secretId":"p"},
             "catalogSource":"technician-marketplace"}
            """;

        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() =>
            Function(new InMemorySecretSourceForTests()).InvokeAsync(Encoding.UTF8.GetBytes(payload), context));

        Assert.Contains("BACKUP_BUCKET", error.Message, StringComparison.Ordinal);
    }

    private static ILambdaFunction Function(InMemorySecretSourceForTests secrets) =>
        TableRecoveryEntryPoint.Create(new Dictionary<string, string>(), secrets, null);

    private static LambdaContext Context() => new(
        "req", "TableRecovery", "arn:aws:lambda:us-east-1:000000000000:function:TableRecovery", DateTimeOffset.UtcNow.AddMinutes(5), null,
        new Core.Logging.JsonLogger("TableRecovery", TextWriter.Null, TimeProvider.System), TimeProvider.System);
}
