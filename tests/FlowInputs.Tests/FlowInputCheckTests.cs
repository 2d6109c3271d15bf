using System.Text.Json;
using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs.Tests;

/// <summary>Each flow's input record: what passes, and every way a bad input is refused naming the field.</summary>
public sealed class FlowInputCheckTests
{
    private static InvalidInputException Refusal(string flow, string input) =>
        Assert.Throws<InvalidInputException>(() => FlowInputCheck.Check(flow, JsonDocument.Parse(input).RootElement));

    private static void Passes(string flow, string input) => FlowInputCheck.Check(flow, JsonDocument.Parse(input).RootElement);

    [Fact]
    public void Check_WhenAFieldIsUnknown_ShouldNameItAndListTheFieldsTheFlowTakes()
    {
        var error = Refusal("restore-database", """{"reason": "drill", "bogus": 1}""");

        Assert.Equal("bogus", error.Field);
        Assert.Equal(
            "is not a field of the restore-database flow's input; it takes before, sourceInstance, maxPolls, healthUrl, reason, replicas, runner, mode",
            error.Problem);
    }

    [Fact]
    public void Check_WhenPointInTimeRecoveryIsAskedForAnotherDatabase_ShouldRefuseNamingTheAlternative()
    {
        var error = Refusal(
            "point-in-time-recovery",
            """{"sourceInstance": "technician-marketplace", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"], "database": "postgres"}""");

        Assert.Equal("database", error.Field);
        Assert.StartsWith("is not a field of the point-in-time-recovery flow's input: the flow recovers tables of the database the stack's secret names "
            + "(stack parameter DatabaseSecretId", error.Problem, StringComparison.Ordinal);
        Assert.EndsWith("; it takes sourceInstance, restoreTime, tables, mode, requireApproval, maxPolls", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenANameDiffersOnlyInCase_ShouldSayWhichNameItTakes()
    {
        var error = Refusal("restore-database", """{"SourceInstance": "technician-marketplace"}""");

        Assert.Equal("SourceInstance", error.Field);
        Assert.Contains("(names are case-sensitive: sourceInstance)", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenTheFlowTakesNoFields_ShouldSaySo()
    {
        var error = Refusal("sweep-abandoned-instances", """{"region": "us-east-1"}""");

        Assert.Equal(("region", "is not a field of the sweep-abandoned-instances flow's input; it takes no fields (send {})"), (error.Field, error.Problem));
    }

    [Theory]
    [InlineData("restore-database", """{"maxPolls": "120"}""", "maxPolls", "must be a whole number, was a string")]
    [InlineData("restore-database", """{"maxPolls": 1.5}""", "maxPolls", "must be a whole number, was a number (1.5)")]
    [InlineData("restore-database", """{"reason": 7}""", "reason", "must be a string, was a number (7)")]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": "jobs"}""", "tables",
        "must be a list of strings, was a string")]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs", 3]}""", "tables[1]",
        "must be a string, was a number (3)")]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"], "requireApproval": "yes"}""",
        "requireApproval", "must be true or false, was a string")]
    [InlineData("postgres-backup", """{"database": "postgres"}""", "database", "must be an object, was a string")]
    [InlineData("postgres-backup", """{"database": {"secretId": "s", "port": "5432"}}""", "database.port", "must be a whole number, was a string")]
    [InlineData("service-health", """{"timeoutSeconds": true}""", "timeoutSeconds", "must be a number, was true")]
    public void Check_WhenAValueHasTheWrongType_ShouldNameTheFieldAndTheTypeItTakes(string flow, string input, string field, string problem)
    {
        var error = Refusal(flow, input);

        Assert.Equal((field, problem), (error.Field, error.Problem));
    }

    [Fact]
    public void Check_WhenANestedFieldIsUnknown_ShouldNameItsPathAndTheFieldsOfItsObject()
    {
        var error = Refusal("postgres-backup", """{"database": {"secretId": "s", "dbname": "postgres"}}""");

        Assert.Equal(("database.dbname", "is not a field of database; it takes secretId, host, port, database, sslMode"), (error.Field, error.Problem));
    }

    [Theory]
    [InlineData("""{"restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"]}""", "sourceInstance", "is required and must not be empty")]
    [InlineData("""{"sourceInstance": "", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"]}""", "sourceInstance", "is required and must not be empty")]
    [InlineData("""{"sourceInstance": "i", "tables": ["jobs"]}""", "restoreTime", "is required and must not be empty")]
    [InlineData("""{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z"}""", "tables", "is required")]
    [InlineData("""{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": null}""", "tables", "is required")]
    [InlineData("""{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": []}""", "tables", "must name at least one table, e.g. [\"jobs\"]")]
    public void Check_WhenARequiredFieldIsMissing_ShouldNameIt(string input, string field, string problem)
    {
        var error = Refusal("point-in-time-recovery", input);

        Assert.Equal((field, problem), (error.Field, error.Problem));
    }

    [Theory]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "yesterday", "tables": ["jobs"]}""", "restoreTime",
        "must be an ISO 8601 timestamp with its offset, such as 2026-11-26T06:50:00Z, was 'yesterday'")]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00", "tables": ["jobs"]}""", "restoreTime",
        "must be an ISO 8601 timestamp with its offset, such as 2026-11-26T06:50:00Z, was '2026-11-26T14:29:00'")]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"], "mode": "plan"}""", "mode",
        "must be one of preview, insert-missing, replace, side-table, was 'plan'")]
    [InlineData("point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"], "maxPolls": 0}""", "maxPolls",
        "must be at least 1, was 0")]
    [InlineData("restore-database", """{"runner": "ec2"}""", "runner", "must be one of lambda, fargate, was 'ec2'")]
    [InlineData("restore-database", """{"healthUrl": "ftp://example.com/health"}""", "healthUrl", "must use http or https, not 'ftp'")]
    [InlineData("restore-database", """{"replicas": 0}""", "replicas", "must be at least 1, was 0")]
    [InlineData("postgres-backup", """{"runner": "ec2"}""", "runner", "must be one of lambda, fargate, was 'ec2'")]
    [InlineData("postgres-backup", """{"database": {"secretId": "s", "port": 70000}}""", "database.port", "must be between 1 and 65535, was 70000")]
    [InlineData("postgres-backup", """{"database": {"host": "h"}}""", "database.secretId", "is required and must not be empty")]
    [InlineData("service-health", """{"url": "api/health"}""", "url", "is not an absolute URL: 'api/health'")]
    public void Check_WhenAValueIsNotOneTheFlowTakes_ShouldNameTheFieldAndWhatItTakes(string flow, string input, string field, string problem)
    {
        var error = Refusal(flow, input);

        Assert.Equal((field, problem), (error.Field, error.Problem));
    }

    [Theory]
    [InlineData("[]", "a list")]
    [InlineData("\"run\"", "a string")]
    [InlineData("null", "null")]
    public void Check_WhenTheInputIsNotAnObject_ShouldSayWhatItWas(string input, string was)
    {
        var error = Refusal("sweep-abandoned-instances", input);

        Assert.Equal(("input", $"must be a JSON object of the sweep-abandoned-instances flow's fields, was {was}"), (error.Field, error.Problem));
    }

    [Fact]
    public void For_WhenTheFlowIsUnknown_ShouldNameTheKnownFlows()
    {
        var error = Assert.Throws<InvalidInputException>(() => FlowInputCheck.For("point-in-time"));

        Assert.Equal("flow", error.Field);
        Assert.Equal(
            "is not a known flow, was 'point-in-time'; known: point-in-time-recovery, postgres-backup, redis-elasticache-backup, restore-database, "
            + "restore-redis, service-health, sweep-abandoned-instances, verify-backup",
            error.Problem);
    }

    [Theory]
    [InlineData("restore-database", """{}""")]
    [InlineData("restore-database", """{"before": "2026-11-26T06:50:00.123+01:00", "runner": null, "replicas": 2, "healthUrl": "http://127.0.0.1:1/health"}""")]
    [InlineData("postgres-backup", """{"runner": "fargate", "retentionTier": "hourly", "workers": 40}""")]
    [InlineData("postgres-backup", """{"database": {"secretId": "s", "host": "h", "port": 5432, "database": "d", "sslMode": "require"}}""")]
    [InlineData("service-health", """{"url": "", "expectedStatus": 200}""")]
    [InlineData(
        "point-in-time-recovery", """{"sourceInstance": "i", "restoreTime": "2026-11-26T14:29:00.5Z", "tables": ["pagila.payment"], "mode": null}""")]
    public void Check_WhenTheInputIsOneTheFlowTakes_ShouldPass(string flow, string input) => Passes(flow, input);
}
