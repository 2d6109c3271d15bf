using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// <see cref="RdsFaultInjector"/>: RDS's Throttling error on chosen calls, and instances that RDS gives up on. No
/// cluster is started: throttled calls change nothing and a faulted instance gets none.
/// </summary>
public sealed class FaultInjectorTests : IAsyncLifetime
{
    private RdsTestEnvironment _rds = null!;

    public async Task InitializeAsync() => _rds = await RdsTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _rds.DisposeAsync();

    [Fact]
    public async Task Throttle_WhenACallMatches_ShouldFailItWithRdsExceptionThrottlingAndChangeNothing()
    {
        _rds.FaultInjector.Throttle(1, action: "createDBInstance");

        var error = await _rds.FailsAsync("createDBInstance", CreateRequest("throttled"));
        var lookup = await _rds.FailsAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "throttled" });

        Assert.Equal("Rds.RdsException", error.ErrorName);
        Assert.Equal("Throttling", error.ErrorCode);
        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith("Rate exceeded (Service: Rds, Status Code: 400", error.Cause, StringComparison.Ordinal);
        Assert.Equal("Rds.DbInstanceNotFoundException", lookup.ErrorName);
    }

    [Fact]
    public async Task Throttle_WhenACallerIsNamed_ShouldFailOnlyThatCallersCallsAsManyTimesAsAsked()
    {
        _rds.FaultInjector.Throttle(2, action: "describeDBInstances", caller: "Describe Before Cleanup");
        var empty = new JsonObject();

        var otherCaller = await _rds.Emulator.CallAsync("us-east-1", "describeDBInstances", empty.DeepClone().AsObject(), "Poll", CancellationToken.None);
        var first = await Assert.ThrowsAsync<RdsEmulatorException>(() =>
            _rds.Emulator.CallAsync("us-east-1", "describeDBInstances", empty.DeepClone().AsObject(), "Describe Before Cleanup", CancellationToken.None));
        var second = await Assert.ThrowsAsync<RdsEmulatorException>(() =>
            _rds.Emulator.CallAsync("us-east-1", "describeDBInstances", empty.DeepClone().AsObject(), "Describe Before Cleanup", CancellationToken.None));
        var third =
            await _rds.Emulator.CallAsync("us-east-1", "describeDBInstances", empty.DeepClone().AsObject(), "Describe Before Cleanup", CancellationToken.None);

        Assert.Empty(otherCaller["DbInstances"]!.AsArray());
        Assert.Equal("Throttling", first.ErrorCode);
        Assert.Equal("Throttling", second.ErrorCode);
        Assert.Empty(third["DbInstances"]!.AsArray());
        Assert.Equal(["describeDBInstances by Describe Before Cleanup", "describeDBInstances by Describe Before Cleanup"], _rds.FaultInjector.ThrottledCalls);
    }

    [Theory]
    [InlineData("incompatible-network")]
    [InlineData("restore-error")]
    [InlineData("storage-full")]
    public async Task EndProvisioningIn_WhenTheInstanceIsCreated_ShouldShowCreatingThenTheStatusAndStillBeDeletable(string status)
    {
        _rds.FaultInjector.EndProvisioningIn("doomed", status);

        await _rds.CallAsync("createDBInstance", CreateRequest("doomed"));
        var statuses = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var described = await _rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "doomed" });
            statuses.Add(described["DbInstances"]![0]!["DbInstanceStatus"]!.GetValue<string>());
        }

        await _rds.CallAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "doomed", ["SkipFinalSnapshot"] = true });
        var gone = await WaitUntilGoneAsync("doomed");

        Assert.Equal(["creating", status, status], statuses);
        Assert.True(gone, _rds.Log);
    }

    [Fact]
    public void EndProvisioningIn_WhenTheStatusIsNotOneRdsGivesUpIn_ShouldRefuseItListingTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => _rds.FaultInjector.EndProvisioningIn("doomed", "modifying"));

        Assert.Contains("'modifying'", error.Message, StringComparison.Ordinal);
        Assert.Contains("incompatible-network", error.Message, StringComparison.Ordinal);
    }

    private static JsonObject CreateRequest(string identifier) => new()
    {
        ["DbInstanceIdentifier"] = identifier,
        ["DbInstanceClass"] = "db.t3.micro",
        ["Engine"] = "postgres",
        ["MasterUsername"] = "master",
        ["MasterUserPassword"] = RdsTestEnvironment.NewPassword(),
        ["AllocatedStorage"] = 20,
    };

    private async Task<bool> WaitUntilGoneAsync(string identifier)
    {
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await _rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = identifier });
            }
            catch (RdsEmulatorException e) when (e.ErrorName == RdsErrors.DbInstanceNotFound)
            {
                return true;
            }
        }

        return false;
    }
}
