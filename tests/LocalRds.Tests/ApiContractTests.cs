using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRds.Api;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// What a state machine gets for a malformed call: the names Step Functions uses, unknown actions and fields
/// refused, RDS's validation errors with the names ErrorEquals matches. No cluster is started here.
/// </summary>
public sealed class ApiContractTests : IAsyncLifetime
{
    private RdsTestEnvironment _rds = null!;

    public async Task InitializeAsync() => _rds = await RdsTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _rds.DisposeAsync();

    [Theory]
    [InlineData("DBInstanceIdentifier", "DbInstanceIdentifier")]
    [InlineData("TargetDBInstanceIdentifier", "TargetDBInstanceIdentifier")]
    [InlineData("DBInstances", "DbInstances")]
    [InlineData("MultiAZ", "MultiAZ")]
    [InlineData("IAMDatabaseAuthenticationEnabled", "IamDatabaseAuthenticationEnabled")]
    [InlineData("CACertificateIdentifier", "CaCertificateIdentifier")]
    [InlineData("RestoreTime", "RestoreTime")]
    public void ToStepFunctionsName_WhenModelNameStartsWithCapitals_ShouldLowerOnlyTheLeadingRun(string model, string expected)
    {
        Assert.Equal(expected, SdkNames.ToStepFunctionsName(model));
    }

    [Fact]
    public async Task CallAsync_WhenParameterIsUnknown_ShouldFailWithStatesRuntimeNamingTheField()
    {
        var error = await _rds.FailsAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "x", ["Colour"] = "blue" });

        Assert.Equal("States.Runtime", error.ErrorName);
        Assert.Equal("The field Colour is not supported by Step Functions", error.Cause);
    }

    [Theory]
    [InlineData("restoreDBInstanceToPointInTime", "TargetDbInstanceIdentifier", "TargetDBInstanceIdentifier")]
    [InlineData("describeDBInstances", "DBInstanceIdentifier", "DbInstanceIdentifier")]
    public async Task CallAsync_WhenParameterIsSpelledOtherwise_ShouldSuggestTheStepFunctionsName(string action, string written, string expected)
    {
        var error = await _rds.FailsAsync(action, new JsonObject { [written] = "x" });

        Assert.Equal("States.Runtime", error.ErrorName);
        Assert.Contains($"The field {written} is not supported by Step Functions; did you mean {expected}?", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_WhenNestedFieldIsUnknown_ShouldNameItsPath()
    {
        var error = await _rds.FailsAsync("addTagsToResource", new JsonObject
        {
            ["ResourceName"] = "arn:aws:rds:us-east-1:000000000000:db:x",
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "team", ["Val"] = "dr" }),
        });

        Assert.Equal("The field Tags[0].Val is not supported by Step Functions", error.Cause);
    }

    [Fact]
    public async Task CallAsync_WhenValueHasTheWrongJsonType_ShouldFailNamingTheFieldAndType()
    {
        var error = await _rds.FailsAsync("modifyDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "x", ["ApplyImmediately"] = "true" });

        Assert.Equal("States.Runtime", error.ErrorName);
        Assert.Equal("The value of field ApplyImmediately is a string, but RDS expects a boolean", error.Cause);
    }

    [Fact]
    public async Task CallAsync_WhenActionDiffersOnlyInCase_ShouldRefuseItAndSuggestTheCamelCaseName()
    {
        var error = await _rds.FailsAsync("describeDbInstances", []);

        Assert.Equal("States.Runtime", error.ErrorName);
        Assert.Contains("arn:aws:states:::aws-sdk:rds:describeDbInstances is not an RDS action this local emulator implements", error.Cause,
            StringComparison.Ordinal);
        Assert.Contains("did you mean rds:describeDBInstances?", error.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stopDBInstance")]      // a real RDS action the emulator lacks
    [InlineData("restoreFromBackup")]   // no RDS action at all: the emulator cannot tell the two apart
    public async Task CallAsync_WhenActionIsNotImplemented_ShouldRefuseItListingTheImplementedOnes(string action)
    {
        var error = await _rds.FailsAsync(action, new JsonObject { ["DbInstanceIdentifier"] = "x" });

        Assert.Equal("States.Runtime", error.ErrorName);
        Assert.StartsWith($"arn:aws:states:::aws-sdk:rds:{action} is not an RDS action this local emulator implements (implemented: ", error.Cause,
            StringComparison.Ordinal);
        Assert.Contains("restoreDBInstanceToPointInTime", error.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeDbInstances_WhenInstanceIsUnknown_ShouldFailWithDbInstanceNotFound()
    {
        var error = await _rds.FailsAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "no-such-db" });

        Assert.Equal("Rds.DbInstanceNotFoundException", error.ErrorName);
        Assert.Equal("DBInstanceNotFound", error.ErrorCode);
        Assert.StartsWith("DBInstance no-such-db not found. (Service: Rds, Status Code: 404, Request ID: ", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeDbSnapshots_WhenSnapshotIsUnknown_ShouldFailWithDbSnapshotNotFound()
    {
        var error = await _rds.FailsAsync("describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = "no-such-snapshot" });

        Assert.Equal("Rds.DbSnapshotNotFoundException", error.ErrorName);
    }

    [Fact]
    public async Task DescribeDbInstances_WhenNothingExistsInTheRegion_ShouldReturnAnEmptyList()
    {
        var result = await _rds.CallAsync("us-west-2", "describeDBInstances", []);

        Assert.Empty(result["DbInstances"]!.AsArray());
    }

    [Fact]
    public async Task CreateDbInstance_WhenIdentifierIsInvalid_ShouldFailWithRdsExceptionInvalidParameterValue()
    {
        var error = await _rds.FailsAsync("createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "1-starts-with-a-digit",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
        });

        // RDS does not model InvalidParameterValue, so Step Functions reports the SDK's base exception.
        Assert.Equal("Rds.RdsException", error.ErrorName);
        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Contains("DBInstanceIdentifier is not a valid identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDbInstance_WhenRequiredParameterIsMissing_ShouldFailWithMissingParameter()
    {
        var error = await _rds.FailsAsync("createDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "db1", ["Engine"] = "postgres" });

        Assert.Equal("Rds.RdsException", error.ErrorName);
        Assert.Equal("MissingParameter", error.ErrorCode);
        Assert.Contains("DbInstanceClass", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDbInstance_WhenEngineIsNotPostgres_ShouldFailWithInvalidParameterValue()
    {
        var error = await _rds.FailsAsync("createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "db1",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "mysql",
        });

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Contains("Invalid DB engine: mysql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteDbInstance_WhenNeitherSkipNorFinalSnapshot_ShouldFailWithInvalidParameterCombination()
    {
        var error = await _rds.FailsAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "db1" });

        Assert.Equal("Rds.RdsException", error.ErrorName);
        Assert.Equal("InvalidParameterCombination", error.ErrorCode);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenBothRestoreTimeAndUseLatest_ShouldFailWithInvalidParameterCombination()
    {
        var error = await _rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "db1",
            ["TargetDBInstanceIdentifier"] = "db2",
            ["RestoreTime"] = "2024-01-15T14:30:00Z",
            ["UseLatestRestorableTime"] = true,
        });

        Assert.Equal("InvalidParameterCombination", error.ErrorCode);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenRestoreTimeIsNotIso8601_ShouldFailNamingTheField()
    {
        var error = await _rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "db1",
            ["TargetDBInstanceIdentifier"] = "db2",
            ["RestoreTime"] = "15/01/2024 14:30",
        });

        Assert.Equal("States.Runtime", error.ErrorName);
        Assert.Contains("RestoreTime", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTagsForResource_WhenArnIsOfAnotherRegion_ShouldFailWithInvalidParameterValue()
    {
        var error = await _rds.FailsAsync("listTagsForResource", new JsonObject { ["ResourceName"] = "arn:aws:rds:eu-west-1:000000000000:db:db1" });

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
    }

    [Fact]
    public void ValidateTaskParameters_WhenFieldsUsePathSuffixes_ShouldCheckTheNamesWithoutThem()
    {
        var problems = RdsApiCatalog.ValidateTaskParameters(
            "restoreDBInstanceToPointInTime",
            ["SourceDBInstanceIdentifier.$", "TargetDBInstanceIdentifier", "RestoreTime.$", "SourceDbInstanceIdentifier"]);

        var problem = Assert.Single(problems);
        Assert.Contains("SourceDbInstanceIdentifier", problem, StringComparison.Ordinal);
        Assert.Contains("did you mean SourceDBInstanceIdentifier?", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateTaskParameters_WhenActionIsUnknown_ShouldReportTheResource()
    {
        var problems = RdsApiCatalog.ValidateTaskParameters("restoreFromBackup", []);

        Assert.Contains("aws-sdk:rds:restoreFromBackup is not an RDS action this local emulator implements", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ImplementedActions_ShouldBeTheFourteenWithARequestShapeEach()
    {
        string[] expected =
        [
            "addTagsToResource", "copyDBSnapshot", "createDBInstance", "createDBSnapshot", "deleteDBInstance", "deleteDBSnapshot",
            "describeDBInstanceAutomatedBackups", "describeDBInstances", "describeDBSnapshots", "listTagsForResource",
            "modifyDBInstance", "removeTagsFromResource", "restoreDBInstanceFromDBSnapshot", "restoreDBInstanceToPointInTime",
        ];

        Assert.Equal(expected, RdsApiCatalog.ImplementedActions.Order(StringComparer.Ordinal));
        Assert.All(expected, action => Assert.Equal("structure", Kind(RdsApiCatalog.RequestShape(action)!)));
        Assert.Null(RdsApiCatalog.RequestShape("stopDBInstance"));
    }

    [Theory]
    // Every member the emulator reads, with its type.
    [InlineData("createDBInstance", "DbInstanceIdentifier", "string")]
    [InlineData("createDBInstance", "DbInstanceClass", "string")]
    [InlineData("createDBInstance", "Engine", "string")]
    [InlineData("createDBInstance", "MasterUsername", "string")]
    [InlineData("createDBInstance", "MasterUserPassword", "string")]
    [InlineData("createDBInstance", "AllocatedStorage", "integer")]
    [InlineData("createDBInstance", "DbName", "string")]
    [InlineData("createDBInstance", "EngineVersion", "string")]
    [InlineData("createDBInstance", "BackupRetentionPeriod", "integer")]
    [InlineData("createDBInstance", "DeletionProtection", "boolean")]
    [InlineData("createDBInstance", "CopyTagsToSnapshot", "boolean")]
    [InlineData("createDBInstance", "Tags", "list")]
    [InlineData("createDBInstance", "DbClusterIdentifier", "string")]
    [InlineData("createDBInstance", "ManageMasterUserPassword", "boolean")]
    [InlineData("describeDBInstances", "DbInstanceIdentifier", "string")]
    [InlineData("describeDBInstances", "Filters", "list")]
    [InlineData("describeDBInstances", "MaxRecords", "integer")]
    [InlineData("modifyDBInstance", "NewDBInstanceIdentifier", "string")]
    [InlineData("modifyDBInstance", "ApplyImmediately", "boolean")]
    [InlineData("modifyDBInstance", "MasterUserPassword", "string")]
    [InlineData("modifyDBInstance", "BackupRetentionPeriod", "integer")]
    [InlineData("modifyDBInstance", "DbInstanceClass", "string")]
    [InlineData("modifyDBInstance", "AllocatedStorage", "integer")]
    [InlineData("modifyDBInstance", "DbPortNumber", "integer")]
    [InlineData("modifyDBInstance", "RotateMasterUserPassword", "boolean")]
    [InlineData("modifyDBInstance", "EngineVersion", "string")]
    [InlineData("deleteDBInstance", "SkipFinalSnapshot", "boolean")]
    [InlineData("deleteDBInstance", "FinalDBSnapshotIdentifier", "string")]
    [InlineData("deleteDBInstance", "DeleteAutomatedBackups", "boolean")]
    [InlineData("restoreDBInstanceFromDBSnapshot", "DbInstanceIdentifier", "string")]
    [InlineData("restoreDBInstanceFromDBSnapshot", "DbSnapshotIdentifier", "string")]
    [InlineData("restoreDBInstanceFromDBSnapshot", "DbClusterSnapshotIdentifier", "string")]
    [InlineData("restoreDBInstanceFromDBSnapshot", "BackupRetentionPeriod", "integer")]
    [InlineData("restoreDBInstanceFromDBSnapshot", "Tags", "list")]
    [InlineData("restoreDBInstanceToPointInTime", "SourceDBInstanceIdentifier", "string")]
    [InlineData("restoreDBInstanceToPointInTime", "SourceDbiResourceId", "string")]
    [InlineData("restoreDBInstanceToPointInTime", "TargetDBInstanceIdentifier", "string")]
    [InlineData("restoreDBInstanceToPointInTime", "RestoreTime", "timestamp")]
    [InlineData("restoreDBInstanceToPointInTime", "UseLatestRestorableTime", "boolean")]
    [InlineData("restoreDBInstanceToPointInTime", "SourceDBInstanceAutomatedBackupsArn", "string")]
    [InlineData("restoreDBInstanceToPointInTime", "AllocatedStorage", "integer")]
    [InlineData("restoreDBInstanceToPointInTime", "ManageMasterUserPassword", "boolean")]
    [InlineData("createDBSnapshot", "DbSnapshotIdentifier", "string")]
    [InlineData("createDBSnapshot", "Tags", "list")]
    [InlineData("describeDBSnapshots", "SnapshotType", "string")]
    [InlineData("describeDBSnapshots", "DbiResourceId", "string")]
    [InlineData("deleteDBSnapshot", "DbSnapshotIdentifier", "string")]
    [InlineData("copyDBSnapshot", "SourceDBSnapshotIdentifier", "string")]
    [InlineData("copyDBSnapshot", "TargetDBSnapshotIdentifier", "string")]
    [InlineData("copyDBSnapshot", "SourceRegion", "string")]
    [InlineData("copyDBSnapshot", "CopyTags", "boolean")]
    [InlineData("addTagsToResource", "ResourceName", "string")]
    [InlineData("removeTagsFromResource", "TagKeys", "list")]
    [InlineData("describeDBInstanceAutomatedBackups", "DbInstanceAutomatedBackupsArn", "string")]
    [InlineData("describeDBInstanceAutomatedBackups", "DbiResourceId", "string")]
    public void RequestShape_ShouldDeclareEachMemberTheEmulatorReadsWithItsType(string action, string member, string type)
    {
        var shape = RdsApiCatalog.RequestShape(action)!;

        var memberShape = shape.MemberShape(member);
        Assert.True(memberShape is not null, $"{action} lacks {member}");
        Assert.Equal(type, Kind(memberShape));
    }

    [Fact]
    public void RequestShape_ShouldDeclareTheNestedStructuresOfTagsAndFilters()
    {
        var create = RdsApiCatalog.RequestShape("createDBInstance")!;
        var filters = Assert.IsType<StructureShape>(RdsApiCatalog.RequestShape("describeDBInstances")!.MemberShape("Filters")!.Item);

        var tag = Assert.IsType<StructureShape>(create.MemberShape("Tags")!.Item);
        Assert.Equal(["Key", "Value"], tag.MemberNames.Order(StringComparer.Ordinal));
        Assert.Equal("string", Kind(create.MemberShape("VpcSecurityGroupIds")!.Item!));
        Assert.Equal("string", Kind(filters.MemberShape("Values")!.Item!));
        Assert.Equal(["Name", "Values"], filters.Required.Order(StringComparer.Ordinal));
        Assert.Equal(["DbInstanceClass", "DbInstanceIdentifier", "Engine"], create.Required.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("createDBInstance", "PubliclyAccessible")]
    [InlineData("createDBInstance", "VpcSecurityGroupIds")]
    [InlineData("createDBInstance", "DbSubnetGroupName")]
    [InlineData("createDBInstance", "EnableIAMDatabaseAuthentication")]
    [InlineData("createDBInstance", "CaCertificateIdentifier")]
    [InlineData("modifyDBInstance", "CloudwatchLogsExportConfiguration")]
    [InlineData("restoreDBInstanceToPointInTime", "DbSubnetGroupName")]
    [InlineData("restoreDBInstanceFromDBSnapshot", "MultiAZ")]
    [InlineData("copyDBSnapshot", "KmsKeyId")]
    [InlineData("describeDBSnapshots", "IncludeShared")]
    [InlineData("describeDBInstances", "Marker")]
    public void ValidateTaskParameters_WhenMemberIsDocumentedButIgnored_ShouldAcceptIt(string action, string member)
    {
        Assert.Empty(RdsApiCatalog.ValidateTaskParameters(action, [member]));
    }

    [Theory]
    [InlineData("createDBInstance", "DbInstanceIdentifer")]
    [InlineData("createDBSnapshot", "SnapshotType")]
    [InlineData("deleteDBSnapshot", "DbInstanceIdentifier")]
    [InlineData("listTagsForResource", "Tags")]
    public void ValidateTaskParameters_WhenMemberIsNotDocumentedForTheAction_ShouldRefuseIt(string action, string member)
    {
        Assert.Equal($"The field {member} is not supported by Step Functions", Assert.Single(RdsApiCatalog.ValidateTaskParameters(action, [member])));
    }

    [Fact]
    public async Task CallAsync_WhenNumbersAreBuiltAsLongOrEpochSeconds_ShouldAcceptThem()
    {
        // The ASL engine builds intrinsic results (States.MathAdd…) as CLR numbers, not parsed JSON.
        var listed = await _rds.CallAsync("describeDBInstances", new JsonObject { ["MaxRecords"] = JsonValue.Create(20L) });
        var error = await _rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "no-such-source",
            ["TargetDBInstanceIdentifier"] = "db2",
            ["RestoreTime"] = JsonValue.Create(1705329000.5m),
        });

        Assert.Empty(listed["DbInstances"]!.AsArray());
        Assert.Equal("Rds.DbInstanceNotFoundException", error.ErrorName);
    }

    /// <summary>A shape's kind as the RDS API Reference names it: structure, list, or the scalar type in lower case.</summary>
    private static string Kind(Shape shape) => shape switch
    {
        StructureShape => "structure",
        { Item: not null } => shape.IsMap ? "map" : "list",
        _ => shape.TypeName.ToLowerInvariant(),
    };
}
