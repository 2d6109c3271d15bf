using System.Globalization;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalCloud.Schedules;

/// <summary>
/// An EventBridge schedule expression: <c>rate(value unit)</c>, <c>cron(min hour dom month dow year)</c> or (Scheduler only)
/// <c>at(yyyy-mm-ddThh:mm:ss)</c>, evaluated in UTC. Parsing is as strict as EventBridge: a bad expression is refused
/// with the reason, never approximated.
/// </summary>
public abstract partial class ScheduleExpression
{
    private protected ScheduleExpression(string text) => Text = text;

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Parses an expression.</summary>
    /// <exception cref="FormatException">The expression is not valid; the message says why.</exception>
    public static ScheduleExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("rate(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            return RateExpression.ParseBody(trimmed, trimmed[5..^1]);
        }

        if (trimmed.StartsWith("cron(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            return CronExpression.ParseBody(trimmed, trimmed[5..^1]);
        }

        if (trimmed.StartsWith("at(", StringComparison.Ordinal) && trimmed.EndsWith(')'))
        {
            return AtExpression.ParseBody(trimmed, trimmed[3..^1]);
        }

        throw new FormatException($"'{text}' is not a schedule expression: expected rate(value unit), cron(fields) or at(yyyy-mm-ddThh:mm:ss)");
    }

    /// <summary>
    /// The firing times in [<paramref name="from"/>, <paramref name="to"/>), ascending. Rate schedules are anchored at
    /// <paramref name="anchor"/> (when the schedule starts: its StartDate, else the start of the simulated period).
    /// </summary>
    public abstract IEnumerable<DateTimeOffset> Occurrences(DateTimeOffset from, DateTimeOffset to, DateTimeOffset anchor);

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary><c>rate(5 minutes)</c>: every interval from the moment the schedule starts.</summary>
public sealed partial class RateExpression : ScheduleExpression
{
    private RateExpression(string text, TimeSpan interval)
        : base(text) => Interval = interval;

    /// <summary>The interval between firings.</summary>
    public TimeSpan Interval { get; }

    internal static RateExpression ParseBody(string text, string body)
    {
        var match = RatePattern().Match(body.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{text}': a rate is 'rate(value unit)' with a positive whole value and minute(s), hour(s) or day(s)");
        }

        var value = long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value;
        if (value <= 0)
        {
            throw new FormatException($"'{text}': the value must be a positive whole number");
        }

        // EventBridge insists on the singular for 1 and the plural otherwise.
        var singular = !unit.EndsWith('s');
        if (value == 1 && !singular)
        {
            throw new FormatException($"'{text}': a value of 1 takes the singular unit ({unit.TrimEnd('s')})");
        }

        if (value != 1 && singular)
        {
            throw new FormatException($"'{text}': a value other than 1 takes the plural unit ({unit}s)");
        }

        var interval = unit.TrimEnd('s') switch
        {
            "minute" => TimeSpan.FromMinutes(value),
            "hour" => TimeSpan.FromHours(value),
            _ => TimeSpan.FromDays(value),
        };
        return new RateExpression(text, interval);
    }

    /// <inheritdoc />
    public override IEnumerable<DateTimeOffset> Occurrences(DateTimeOffset from, DateTimeOffset to, DateTimeOffset anchor)
    {
        var first = anchor;
        if (first < from)
        {
            var skipped = (long)Math.Ceiling((from - anchor).Ticks / (double)Interval.Ticks);
            first = anchor + TimeSpan.FromTicks(Interval.Ticks * skipped);
        }

        for (var at = first; at < to; at += Interval)
        {
            yield return at;
        }
    }

    [GeneratedRegex("^(?<value>[0-9]{1,9})\\s+(?<unit>minutes?|hours?|days?)$", RegexOptions.CultureInvariant)]
    private static partial Regex RatePattern();
}

/// <summary><c>at(2025-03-01T02:00:00)</c>: one firing (EventBridge Scheduler one-time schedules).</summary>
public sealed class AtExpression : ScheduleExpression
{
    private AtExpression(string text, DateTimeOffset at)
        : base(text) => At = at;

    /// <summary>The one firing time, UTC.</summary>
    public DateTimeOffset At { get; }

    internal static AtExpression ParseBody(string text, string body)
    {
        if (!DateTime.TryParseExact(body.Trim(), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            throw new FormatException($"'{text}': a one-time schedule is at(yyyy-mm-ddThh:mm:ss)");
        }

        return new AtExpression(text, new DateTimeOffset(at, TimeSpan.Zero));
    }

    /// <inheritdoc />
    public override IEnumerable<DateTimeOffset> Occurrences(DateTimeOffset from, DateTimeOffset to, DateTimeOffset anchor)
    {
        if (At >= from && At < to)
        {
            yield return At;
        }
    }
}
