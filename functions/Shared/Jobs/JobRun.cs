using System.Diagnostics;
using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Jobs;

/// <summary>One run of a job: the source it works on, who asked, the invocation's logger and deadline, when it started.</summary>
public sealed class JobRun
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    internal JobRun(JobServices services, string source, string actor, JsonLogger logger, CancellationToken cancellationToken)
    {
        Services = services;
        Source = source;
        Actor = actor;
        Logger = logger;
        CancellationToken = cancellationToken;
        StartedAt = services.Time.GetUtcNow();
    }

    public JobServices Services { get; }

    /// <summary>The catalog source name: the request's, else the function's default.</summary>
    public string Source { get; }

    /// <summary>Who asked: the request's <c>requestedBy</c>, else <c>functionArn#requestId</c>.</summary>
    public string Actor { get; }

    public JsonLogger Logger { get; }

    /// <summary>Fires shortly before the invocation's deadline.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>When the run started (the services' clock).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Seconds since the run started, to the millisecond: the results' <c>durationSeconds</c>.</summary>
    public double ElapsedSeconds => Math.Round(_clock.Elapsed.TotalSeconds, 3);
}
