using DisasterRecovery.JobCrash.Tests.Harness;
using Xunit.Abstractions;

namespace DisasterRecovery.JobCrash.Tests;

/// <summary>
/// Each job killed as a process, by SIGKILL and separately by SIGTERM, at seeded points across its phases; after each kill
/// and after the next run or one sweep: no partial backup is listed, the restore target is untouched or complete, no
/// temporary thing remains, the audit log shows the interrupted run. The seed is printed; DR_CRASH_SEED replays it.
/// A larger seeded run: tests/Benchmarks/JobCrash.
/// </summary>
public sealed class JobCrashTests(JobCrashFixture fixture, ITestOutputHelper output) : IClassFixture<JobCrashFixture>
{
    /// <summary>Kills that land in a running job, per job and signal: small enough for CI.</summary>
    private const int KillsEach = 2;

    [Fact]
    public Task Backup_WhenKilledWithSigkill_ShouldListNoPartialBackupAndLeaveNothingAfterTheNextRunOrASweep() =>
        KillAndCheckAsync(CrashJob.Backup, CrashSignal.Kill);

    [Fact]
    public Task Backup_WhenStoppedWithSigterm_ShouldCleanUpAuditAndListNoPartialBackup() =>
        KillAndCheckAsync(CrashJob.Backup, CrashSignal.Terminate);

    [Fact]
    public Task Restore_WhenKilledWithSigkill_ShouldLeaveTheTargetUntouchedOrCompleteAndNothingAfterTheNextRunOrASweep() =>
        KillAndCheckAsync(CrashJob.Restore, CrashSignal.Kill);

    [Fact]
    public Task Restore_WhenStoppedWithSigterm_ShouldLeaveTheTargetUntouchedOrCompleteCleanUpAndAudit() =>
        KillAndCheckAsync(CrashJob.Restore, CrashSignal.Terminate);

    [Fact]
    public Task Verify_WhenKilledWithSigkill_ShouldLeaveNoScratchDatabaseAfterTheNextRunOrASweep() =>
        KillAndCheckAsync(CrashJob.Verify, CrashSignal.Kill);

    [Fact]
    public Task Verify_WhenStoppedWithSigterm_ShouldDropItsScratchDatabaseAndAudit() =>
        KillAndCheckAsync(CrashJob.Verify, CrashSignal.Terminate);

    private async Task KillAndCheckAsync(CrashJob job, CrashSignal signal)
    {
        // Arrange
        var seed = CrashPlan.Derive(fixture.Seed, job, signal);
        output.WriteLine($"seed {fixture.Seed} ({CrashPlan.SeedVariable}={fixture.Seed} replays it); {job} {CrashTally.SignalName(signal)} sub-seed {seed}");
        fixture.SetupLog.ForEach(output.WriteLine);
        var plan = new CrashPlan(seed);
        var runner = new CrashRunner(fixture.World, CrashSweepers.Default, output.WriteLine);
        var tally = new CrashTally();

        // Act: a kill planned late in a short last phase can find the job already ended; such a case is drawn again, twice at most.
        for (var attempt = 0; attempt < 2 * KillsEach && tally.Kills < KillsEach; attempt++)
        {
            tally.Add(await runner.RunAsync(plan.Next(job, signal), seed));
        }

        // Assert
        output.WriteLine(tally.Report());
        Assert.True(tally.Kills > 0, $"no kill landed in a running {job} job (seed {fixture.Seed}): every run ended before its planned phase");
        Assert.True(!tally.Violations.Any(), $"seed {fixture.Seed}:\n{tally.Report()}");
    }
}
