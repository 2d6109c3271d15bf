using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// Where instances sit: subnet group (hence VPC), VPC security groups, parameter and option groups, Multi-AZ, public
/// access. Recorded on create and restore, returned by describeDBInstances as RDS returns them, RDS's defaults when a
/// request leaves them out, RDS's errors for groups that do not exist.
/// </summary>
public sealed class NetworkPlacementTests(NetworkPlacementTests.Source source) : IClassFixture<NetworkPlacementTests.Source>
{
    [Fact]
    public void CreateDbInstance_WhenPlacedInADefinedSubnetGroup_ShouldDescribeItsGroupsAsRdsDoes()
    {
        var instance = source.Described;

        Assert.Equal(Source.SubnetGroup, instance["DbSubnetGroup"]!["DbSubnetGroupName"]!.GetValue<string>());
        Assert.Equal(Source.Vpc, instance["DbSubnetGroup"]!["VpcId"]!.GetValue<string>());
        Assert.Equal(2, instance["DbSubnetGroup"]!["Subnets"]!.AsArray().Count);
        Assert.Equal([Source.SecurityGroup], SecurityGroups(instance));
        Assert.Equal("active", instance["VpcSecurityGroups"]![0]!["Status"]!.GetValue<string>());
        Assert.Equal(Source.ParameterGroup, instance["DbParameterGroups"]![0]!["DbParameterGroupName"]!.GetValue<string>());
        Assert.Equal(Source.OptionGroup, instance["OptionGroupMemberships"]![0]!["OptionGroupName"]!.GetValue<string>());
        Assert.True(instance["MultiAZ"]!.GetValue<bool>());
        Assert.Equal("us-east-1b", instance["SecondaryAvailabilityZone"]!.GetValue<string>());
        Assert.False(instance["PubliclyAccessible"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenGivenTheSourcesPlacement_ShouldStillHaveItOnceAvailable()
    {
        await source.Rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = Source.Instance,
            ["TargetDBInstanceIdentifier"] = "placed-copy",
            ["UseLatestRestorableTime"] = true,
            ["DbSubnetGroupName"] = Source.SubnetGroup,
            ["VpcSecurityGroupIds"] = new JsonArray(Source.SecurityGroup),
            ["DbParameterGroupName"] = Source.ParameterGroup,
            ["OptionGroupName"] = Source.OptionGroup,
            ["MultiAZ"] = true,
            ["PubliclyAccessible"] = false,
        });

        var (copy, _) = await source.Rds.WaitForInstanceAsync("placed-copy", "available");

        Assert.Equal(Source.SubnetGroup, copy["DbSubnetGroup"]!["DbSubnetGroupName"]!.GetValue<string>());
        Assert.Equal([Source.SecurityGroup], SecurityGroups(copy));
        Assert.Equal(Source.ParameterGroup, copy["DbParameterGroups"]![0]!["DbParameterGroupName"]!.GetValue<string>());
        Assert.Equal(Source.OptionGroup, copy["OptionGroupMemberships"]![0]!["OptionGroupName"]!.GetValue<string>());
        Assert.True(copy["MultiAZ"]!.GetValue<bool>());
    }

    [Fact]
    public async Task RestoreDbInstanceFromDbSnapshot_WhenThePlacementIsLeftOut_ShouldLandInTheDefaultVpcWithDefaultGroups()
    {
        // Only what the restore records matters here, so the fault injector spares it a cluster.
        source.Rds.FaultInjector.EndProvisioningIn("unplaced", "restore-error");

        var response = await source.Rds.CallAsync("restoreDBInstanceFromDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = "unplaced",
            ["DbSnapshotIdentifier"] = Source.Snapshot,
        });
        var restored = response["DbInstance"]!;

        Assert.Equal("default", restored["DbSubnetGroup"]!["DbSubnetGroupName"]!.GetValue<string>());
        Assert.NotEqual(Source.Vpc, restored["DbSubnetGroup"]!["VpcId"]!.GetValue<string>());
        Assert.DoesNotContain(Source.SecurityGroup, SecurityGroups(restored));
        Assert.Single(SecurityGroups(restored));
        Assert.Equal("default.postgres15", restored["DbParameterGroups"]![0]!["DbParameterGroupName"]!.GetValue<string>());
        Assert.Equal("default:postgres-15", restored["OptionGroupMemberships"]![0]!["OptionGroupName"]!.GetValue<string>());
        Assert.False(restored["MultiAZ"]!.GetValue<bool>());
        Assert.Null(restored["SecondaryAvailabilityZone"]);
    }

    [Theory]
    [InlineData("DbSubnetGroupName", "no-such-subnets", "Rds.DbSubnetGroupNotFoundException", "DBSubnetGroupNotFoundFault", "no-such-subnets")]
    [InlineData("DbParameterGroupName", "no-such-parameters", "Rds.DbParameterGroupNotFoundException", "DBParameterGroupNotFound", "no-such-parameters")]
    [InlineData("OptionGroupName", "no-such-options", "Rds.OptionGroupNotFoundException", "OptionGroupNotFoundFault", "no-such-options")]
    [InlineData("VpcSecurityGroupIds", "sg-0000000000000dead", "Rds.RdsException", "InvalidParameterValue", "sg-0000000000000dead")]
    [InlineData("VpcSecurityGroupIds", Source.OtherVpcSecurityGroup, "Rds.RdsException", "InvalidParameterCombination", Source.OtherVpc)]
    public async Task RestoreDbInstanceFromDbSnapshot_WhenAGroupDoesNotExistInTheSubnetGroupsVpc_ShouldFailAsRdsAndCreateNothing(
        string parameter, string value, string errorName, string errorCode, string named)
    {
        var request = new JsonObject
        {
            ["DbInstanceIdentifier"] = "misplaced",
            ["DbSnapshotIdentifier"] = Source.Snapshot,
            ["DbSubnetGroupName"] = Source.SubnetGroup,
        };
        request[parameter] = parameter == "VpcSecurityGroupIds" ? new JsonArray(value) : value;

        var error = await source.Rds.FailsAsync("restoreDBInstanceFromDBSnapshot", request);
        var lookup = await source.Rds.FailsAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "misplaced" });

        Assert.Equal(errorName, error.ErrorName);
        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Equal("Rds.DbInstanceNotFoundException", lookup.ErrorName);
    }

    [Fact]
    public async Task DefineNetworkGroupsAsync_WhenTheSubnetGroupIsDefinedInAnotherVpc_ShouldRefuseIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => source.Rds.Emulator.DefineNetworkGroupsAsync(new RdsNetworkGroups
        {
            VpcId = Source.OtherVpc,
            DbSubnetGroupName = Source.SubnetGroup,
        }));

        Assert.Contains(Source.Vpc, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vpc-nothex00000000001", "app-db", "sg-0aaaa000000000002", "vpc-nothex00000000001")]
    [InlineData("vpc-0aaaa000000000001", "default", "sg-0aaaa000000000002", "'default'")]
    [InlineData("vpc-0aaaa000000000001", "app-db", "security-group", "security-group")]
    public async Task DefineNetworkGroupsAsync_WhenANameOrIdIsMalformed_ShouldRefuseItNamingIt(string vpc, string subnetGroup, string securityGroup,
        string named)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => source.Rds.Emulator.DefineNetworkGroupsAsync(new RdsNetworkGroups
        {
            VpcId = vpc,
            DbSubnetGroupName = subnetGroup,
            VpcSecurityGroupIds = [securityGroup],
        }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static List<string> SecurityGroups(JsonNode instance) =>
        instance["VpcSecurityGroups"]!.AsArray().Select(g => g!["VpcSecurityGroupId"]!.GetValue<string>()).ToList();

    /// <summary>An instance placed in a defined subnet group, with a snapshot; a second VPC beside it.</summary>
    public sealed class Source : IAsyncLifetime
    {
        public const string Instance = "placed";
        public const string Snapshot = "placed-snapshot";
        public const string Vpc = "vpc-0aaaa000000000001";
        public const string SubnetGroup = "app-db";
        public const string SecurityGroup = "sg-0aaaa000000000002";
        public const string ParameterGroup = "app-postgres15";
        public const string OptionGroup = "app-options";
        public const string OtherVpc = "vpc-0bbbb000000000001";
        public const string OtherVpcSecurityGroup = "sg-0bbbb000000000002";

        public RdsTestEnvironment Rds { get; private set; } = null!;

        /// <summary>describeDBInstances of <see cref="Instance"/> once available.</summary>
        public JsonObject Described { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Rds = await RdsTestEnvironment.StartAsync();
            await Rds.Emulator.DefineNetworkGroupsAsync(new RdsNetworkGroups
            {
                VpcId = Vpc,
                DbSubnetGroupName = SubnetGroup,
                VpcSecurityGroupIds = [SecurityGroup],
                DbParameterGroupNames = [ParameterGroup],
                OptionGroupNames = [OptionGroup],
            });
            await Rds.Emulator.DefineNetworkGroupsAsync(new RdsNetworkGroups
            {
                VpcId = OtherVpc,
                DbSubnetGroupName = "other-db",
                VpcSecurityGroupIds = [OtherVpcSecurityGroup],
            });
            await Rds.CallAsync("createDBInstance", new JsonObject
            {
                ["DbInstanceIdentifier"] = Instance,
                ["DbInstanceClass"] = "db.t3.micro",
                ["Engine"] = "postgres",
                ["MasterUsername"] = "master",
                ["MasterUserPassword"] = RdsTestEnvironment.NewPassword(),
                ["AllocatedStorage"] = 20,
                ["DbSubnetGroupName"] = SubnetGroup,
                ["VpcSecurityGroupIds"] = new JsonArray(SecurityGroup),
                ["DbParameterGroupName"] = ParameterGroup,
                ["OptionGroupName"] = OptionGroup,
                ["MultiAZ"] = true,
            });
            (Described, _) = await Rds.WaitForInstanceAsync(Instance, "available");
            await Rds.CallAsync("createDBSnapshot", new JsonObject { ["DbInstanceIdentifier"] = Instance, ["DbSnapshotIdentifier"] = Snapshot });
            await Rds.WaitForSnapshotAsync(Snapshot);
        }

        public async Task DisposeAsync() => await Rds.DisposeAsync();
    }
}
