using System.Text.Json;
using DisasterRecovery.Audit;
using DisasterRecovery.Core;

namespace DisasterRecovery.Jobs;

/// <summary>
/// The audit event of a sweep that found expired temporary things (a job's start, or the sweeper): action
/// <c>deletion</c>, details <c>kind=sweep-temporary</c>, who swept, and each thing removed, put back or left (as its
/// <see cref="SweptTemporary.Describe"/> line, in JSON arrays kept within the audit log's 8192 characters a field).
/// The result is <c>failed</c> when something was left for a person.
/// </summary>
public static class TemporarySweepAudit
{
    /// <summary>The details' <c>kind</c>.</summary>
    public const string Kind = "sweep-temporary";

    private const int MaxField = 8000;

    /// <summary>The event for <paramref name="swept"/>; null when it is empty (a sweep that found nothing is not an event).</summary>
    /// <param name="resource">What was swept, e.g. <c>postgres/db.example:5432/temporary</c>.</param>
    /// <param name="actor">Who swept: the job's actor, or the sweeper's.</param>
    /// <param name="sweptBy">Why: <c>restore-start</c>, <c>verification-start</c>, <c>backup-start</c>, <c>sweeper</c>.</param>
    /// <param name="swept">What the sweep did.</param>
    public static AuditEvent? Event(string resource, string actor, string sweptBy, IReadOnlyList<SweptTemporary> swept)
    {
        if (swept.Count == 0)
        {
            return null;
        }

        var removed = swept.Where(s => s.Outcome == SweptTemporary.Removed).ToList();
        var restored = swept.Where(s => s.Outcome == SweptTemporary.Restored).ToList();
        var left = swept.Where(s => s.Outcome == SweptTemporary.Left).ToList();
        return new AuditEvent
        {
            Action = AuditActions.Deletion,
            Resource = resource,
            Actor = actor,
            Result = left.Count == 0 ? AuditResults.Succeeded : AuditResults.Failed,
            RelatedIds = [.. swept.Select(s => s.Name).Take(20)],
            Details = new Dictionary<string, string>
            {
                ["kind"] = Kind,
                ["sweptBy"] = sweptBy,
                ["removed"] = Lines(removed),
                ["restored"] = Lines(restored),
                ["left"] = Lines(left),
                ["removedCount"] = JobReport.Count(removed.Count),
                ["leftCount"] = JobReport.Count(left.Count),
            },
        };
    }

    /// <summary>The things as a JSON array of lines (each with its reason), cut short with a count of the rest when too long.</summary>
    private static string Lines(IReadOnlyList<SweptTemporary> things)
    {
        var lines = new List<string>();
        var length = 2;
        foreach (var thing in things)
        {
            var line = $"{thing.Describe()}: {thing.Reason}";
            if (length + line.Length + 4 > MaxField - 40)
            {
                lines.Add($"… and {things.Count - lines.Count} more");
                break;
            }

            lines.Add(line);
            length += JsonSerializer.Serialize(line, JobsJsonContext.Default.String).Length + 1;
        }

        return JsonSerializer.Serialize(lines, JobsJsonContext.Default.ListString);
    }
}

/// <summary>Source-generated JSON for the job layer's audit details.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(List<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class JobsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>What one sweep of one place did: the audit resource it is recorded under, and each expired thing it handled.</summary>
/// <param name="Resource">e.g. <c>postgres/db.example:5432/temporary</c>, <c>s3/bucket/multipart-uploads</c>.</param>
/// <param name="Swept">What it removed, put back or left.</param>
public sealed record TemporarySweep(string Resource, IReadOnlyList<SweptTemporary> Swept);
