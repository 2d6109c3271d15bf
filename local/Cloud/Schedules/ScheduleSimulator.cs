using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Schedules;

/// <summary>One time a schedule fires its target.</summary>
/// <param name="At">When, UTC.</param>
/// <param name="Schedule">The schedule.</param>
/// <param name="Input">What the target receives (the Input property, else what EventBridge sends by default).</param>
public sealed record ScheduledFiring(DateTimeOffset At, ScheduleDefinition Schedule, string Input);

/// <summary>
/// Works out when the stack's schedules fire over a period: every enabled schedule at each of its UTC times, merged
/// into one timeline in time order (ties in template order). Rate schedules start at the period's start (or their
/// StartDate), as if created then.
/// </summary>
public static class ScheduleSimulator
{
    /// <summary>The firing plan for [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static IReadOnlyList<ScheduledFiring> Plan(LoadedStack stack, DateTimeOffset from, DateTimeOffset to)
    {
        var firings = new List<(ScheduledFiring Firing, int Order)>();
        for (var order = 0; order < stack.Schedules.Count; order++)
        {
            var schedule = stack.Schedules[order];
            if (!schedule.Enabled)
            {
                continue;
            }

            var start = schedule.StartDate is { } startDate && startDate > from ? startDate : from;
            var end = schedule.EndDate is { } endDate && endDate < to ? endDate : to;
            foreach (var at in schedule.Expression.Occurrences(start, end, start))
            {
                firings.Add((new ScheduledFiring(at, schedule, InputFor(schedule, at, stack)), order));
            }
        }

        return firings.OrderBy(f => f.Firing.At).ThenBy(f => f.Order).Select(f => f.Firing).ToList();
    }

    /// <summary>
    /// The Input property when set; otherwise what the service sends: EventBridge rules (Schedule) send a "Scheduled
    /// Event", EventBridge Scheduler (ScheduleV2) sends <c>{}</c>.
    /// </summary>
    public static string InputFor(ScheduleDefinition schedule, DateTimeOffset at, LoadedStack stack)
    {
        if (schedule.Input is { } input)
        {
            return input;
        }

        if (schedule.EventType == "ScheduleV2")
        {
            return "{}";
        }

        var time = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var id = new Guid(MD5.HashData(Encoding.UTF8.GetBytes($"{schedule.TargetLogicalId}/{schedule.EventName}/{time}")));
        return new JsonObject
        {
            ["version"] = "0",
            ["id"] = id.ToString(),
            ["detail-type"] = "Scheduled Event",
            ["source"] = "aws.events",
            ["account"] = stack.AccountId,
            ["time"] = time,
            ["region"] = stack.Region,
            ["resources"] = new JsonArray(
                JsonValue.Create($"arn:aws:events:{stack.Region}:{stack.AccountId}:rule/{stack.StackName}-{schedule.TargetLogicalId}{schedule.EventName}")),
            ["detail"] = new JsonObject(),
        }.ToJsonString();
    }
}
