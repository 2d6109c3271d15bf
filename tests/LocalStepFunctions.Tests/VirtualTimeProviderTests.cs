using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>The virtual clock on its own: manual advance, timers, and when auto-advance may (not) happen.</summary>
public class VirtualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Advance_WhenTimersAreDue_ShouldFireThemInDueOrderAtTheirDueTimes()
    {
        var clock = new VirtualTimeProvider(Start);
        var fired = new List<(string Name, DateTimeOffset At)>();
        using var late = clock.CreateTimer(_ => fired.Add(("late", clock.GetUtcNow())), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add(("early", clock.GetUtcNow())), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        using var never = clock.CreateTimer(_ => fired.Add(("never", clock.GetUtcNow())), null, TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal([("early", Start.AddSeconds(10)), ("late", Start.AddSeconds(20))], fired);
        Assert.Equal(Start.AddSeconds(30), clock.GetUtcNow());
        Assert.Equal(1, clock.PendingTimers);
    }

    [Fact]
    public void Advance_WhenTimerIsPeriodicOrChangedOrDisposed_ShouldHonourTheChange()
    {
        var clock = new VirtualTimeProvider(Start);
        var periodic = 0;
        var changed = 0;
        var disposed = 0;
        using var p = clock.CreateTimer(_ => periodic++, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        using var c = clock.CreateTimer(_ => changed++, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        var d = clock.CreateTimer(_ => disposed++, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        c.Change(TimeSpan.FromSeconds(100), Timeout.InfiniteTimeSpan);
        d.Dispose();

        clock.Advance(TimeSpan.FromSeconds(35));

        Assert.Equal((3, 0, 0), (periodic, changed, disposed));
    }

    [Fact]
    public async Task DelayAsync_WhenCalledOutsideTheEngine_ShouldBehaveLikeTaskDelayOnTheClock()
    {
        var clock = new VirtualTimeProvider(Start);

        var delay = clock.DelayAsync(TimeSpan.FromSeconds(5));
        var completedBeforeAdvance = delay.IsCompleted;
        clock.Advance(TimeSpan.FromSeconds(5));
        await delay.WaitAsync(Harness.RealTimeLimit);

        Assert.False(completedBeforeAdvance);
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task AutoAdvance_WhenNothingIsRunning_ShouldNotMoveTheClockForTimersCreatedOutsideTheEngine()
    {
        var clock = new VirtualTimeProvider(Start);
        var fired = false;
        using var timer = clock.CreateTimer(_ => fired = true, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        await Task.Delay(100);

        Assert.False(fired);
        Assert.Equal(Start, clock.GetUtcNow());
    }

    [Fact]
    public async Task AutoAdvance_WhenDisabled_ShouldLeaveWaitsToManualAdvance()
    {
        var harness = new Harness();
        harness.Clock.AutoAdvance = false;
        harness.Start(Harness.Machine("""
            "S": { "Type": "Wait", "Seconds": 600, "End": true }
            """));
        await Task.Delay(100);
        var waiting = harness.Engine.DescribeExecution(harness.LastExecutionArn!).Status;

        harness.Clock.Advance(TimeSpan.FromSeconds(600));
        var result = await harness.CompletionAsync();

        Assert.Equal(Execution.ExecutionStatus.Running, waiting);
        Assert.Equal(Execution.ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(600), result.StopDate - result.StartDate);
    }

    [Fact]
    public async Task AutoAdvance_WhenExecutionsFinish_ShouldLeaveNoRunningActivities()
    {
        var harness = new Harness();

        await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Parallel", "End": true, "Branches": [
                { "StartAt": "W", "States": { "W": { "Type": "Wait", "Seconds": 7, "End": true } } },
                { "StartAt": "V", "States": { "V": { "Type": "Wait", "Seconds": 3, "End": true } } } ] }
            """));

        Assert.True(SpinWait.SpinUntil(() => harness.Clock.RunningActivities == 0, Harness.RealTimeLimit));
        Assert.Equal(0, harness.Clock.PendingTimers);
    }
}
