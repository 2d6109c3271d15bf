using DisasterRecovery.JobCrash.Tests.Harness;

namespace DisasterRecovery.JobCrash.Tests;

/// <summary>
/// One world for the crash tests: the generated source database (big enough that each job's phases last long enough to
/// be hit; small enough for CI), the buckets, and the backup restores and verifications read. The seed is drawn once,
/// or read from <see cref="CrashPlan.SeedVariable"/>.
/// </summary>
public sealed class JobCrashFixture : IAsyncLifetime
{
    /// <summary>Job rows in the source database (and as many event rows): about 30 MB on disk with indexes.</summary>
    public const int Rows = 100_000;

    public CrashWorld World { get; private set; } = null!;

    public int Seed { get; } = CrashPlan.SeedFromEnvironment();

    public List<string> SetupLog { get; } = [];

    public async Task InitializeAsync()
    {
        World = await CrashWorld.CreateAsync(Rows);
        await new CrashRunner(World, sweeper: null, SetupLog.Add).PrepareAsync();
    }

    public async Task DisposeAsync() => await World.DisposeAsync();
}
