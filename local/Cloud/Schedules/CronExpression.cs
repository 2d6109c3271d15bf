using System.Globalization;

namespace DisasterRecovery.LocalCloud.Schedules;

/// <summary>
/// An EventBridge cron expression, six fields in UTC: minutes, hours, day-of-month, month, day-of-week, year.
/// Supports <c>, - * / ?</c> everywhere EventBridge does, <c>L</c> and <c>W</c> in day-of-month, and <c>L</c> and
/// <c>#</c> in day-of-week (1 = SUN … 7 = SAT). Exactly one of day-of-month and day-of-week must be <c>?</c>.
/// </summary>
public sealed class CronExpression : ScheduleExpression
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly SortedSet<int> _minutes;
    private readonly SortedSet<int> _hours;
    private readonly SortedSet<int> _months;
    private readonly SortedSet<int> _years;
    private readonly DayOfMonthRule? _dayOfMonth;
    private readonly DayOfWeekRule? _dayOfWeek;

    private CronExpression(string text, SortedSet<int> minutes, SortedSet<int> hours, DayOfMonthRule? dayOfMonth, SortedSet<int> months,
        DayOfWeekRule? dayOfWeek, SortedSet<int> years)
        : base(text)
    {
        _minutes = minutes;
        _hours = hours;
        _dayOfMonth = dayOfMonth;
        _months = months;
        _dayOfWeek = dayOfWeek;
        _years = years;
    }

    internal static CronExpression ParseBody(string text, string body)
    {
        var fields = body.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            throw new FormatException(
                $"'{text}': EventBridge cron has 6 fields (minutes hours day-of-month month day-of-week year), found {fields.Length}");
        }

        var (dom, dow) = (fields[2], fields[4]);
        if ((dom == "?") == (dow == "?"))
        {
            throw new FormatException(
                $"'{text}': exactly one of day-of-month ('{dom}') and day-of-week ('{dow}') must be '?' (EventBridge cannot combine them)");
        }

        try
        {
            return new CronExpression(
                text,
                ParseSet(fields[0], 0, 59, null, "minutes"),
                ParseSet(fields[1], 0, 23, null, "hours"),
                dom == "?" ? null : DayOfMonthRule.Parse(dom),
                ParseSet(fields[3], 1, 12, MonthNames, "month"),
                dow == "?" ? null : DayOfWeekRule.Parse(dow),
                ParseSet(fields[5], 1970, 2199, null, "year"));
        }
        catch (FormatException e)
        {
            throw new FormatException($"'{text}': {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<DateTimeOffset> Occurrences(DateTimeOffset from, DateTimeOffset to, DateTimeOffset anchor)
    {
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        for (var day = from.UtcDateTime.Date; day < to.UtcDateTime; day = day.AddDays(1))
        {
            if (!_years.Contains(day.Year) || !_months.Contains(day.Month) || !DayMatches(day))
            {
                continue;
            }

            foreach (var hour in _hours)
            {
                foreach (var minute in _minutes)
                {
                    var at = new DateTimeOffset(day.Year, day.Month, day.Day, hour, minute, 0, TimeSpan.Zero);
                    if (at >= from && at < to)
                    {
                        yield return at;
                    }
                }
            }
        }
    }

    private bool DayMatches(DateTime day) => _dayOfMonth?.Matches(day) ?? _dayOfWeek!.Matches(day);

    private static SortedSet<int> ParseSet(string field, int min, int max, string[]? names, string what)
    {
        var set = new SortedSet<int>();
        foreach (var item in field.Split(','))
        {
            var (start, end, step) = ParseRange(item, min, max, names, what);
            for (var value = start; value <= end; value += step)
            {
                set.Add(value);
            }
        }

        return set;
    }

    /// <summary>Parses <c>*</c>, <c>n</c>, <c>n-m</c>, with an optional <c>/step</c>.</summary>
    private static (int Start, int End, int Step) ParseRange(string item, int min, int max, string[]? names, string what)
    {
        var step = 1;
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var range = item;
        if (slash >= 0)
        {
            step = ParseNumber(item[(slash + 1)..], 1, max, null, $"{what} step");
            range = item[..slash];
        }

        if (range == "*")
        {
            return (min, max, step);
        }

        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0)
        {
            var start = ParseNumber(range[..dash], min, max, names, what);
            var end = ParseNumber(range[(dash + 1)..], min, max, names, what);
            if (end < start)
            {
                throw new FormatException($"{what} range '{range}' runs backwards");
            }

            return (start, end, step);
        }

        var single = ParseNumber(range, min, max, names, what);
        return (single, slash >= 0 ? max : single, step);
    }

    private static int ParseNumber(string text, int min, int max, string[]? names, string what)
    {
        if (names is not null)
        {
            var index = Array.IndexOf(names, text.ToUpperInvariant());
            if (index >= 0)
            {
                return index + 1;
            }
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException(
                $"'{text}' is not a valid {what} value ({min}-{max}{(names is null ? string.Empty : " or " + names[0] + "-" + names[^1])})");
        }

        return value;
    }

    /// <summary>Day-of-month: numbers and ranges, <c>L</c> (last day), <c>nW</c> (nearest weekday), <c>LW</c> (last weekday).</summary>
    private sealed class DayOfMonthRule
    {
        private readonly SortedSet<int> _days = [];
        private readonly List<int> _nearestWeekdays = [];
        private bool _last;
        private bool _lastWeekday;

        public static DayOfMonthRule Parse(string field)
        {
            var rule = new DayOfMonthRule();
            foreach (var item in field.Split(','))
            {
                if (item == "L")
                {
                    rule._last = true;
                }
                else if (item == "LW")
                {
                    rule._lastWeekday = true;
                }
                else if (item.EndsWith('W'))
                {
                    rule._nearestWeekdays.Add(ParseNumber(item[..^1], 1, 31, null, "day-of-month"));
                }
                else
                {
                    var (start, end, step) = ParseRange(item, 1, 31, null, "day-of-month");
                    for (var d = start; d <= end; d += step)
                    {
                        rule._days.Add(d);
                    }
                }
            }

            return rule;
        }

        public bool Matches(DateTime day)
        {
            var length = DateTime.DaysInMonth(day.Year, day.Month);
            if (_days.Contains(day.Day) || (_last && day.Day == length))
            {
                return true;
            }

            if (_lastWeekday && day.Day == NearestWeekday(day, length, length))
            {
                return true;
            }

            return _nearestWeekdays.Any(n => n <= length && day.Day == NearestWeekday(day, n, length));
        }

        /// <summary>The weekday nearest to day <paramref name="n"/>, never crossing into another month.</summary>
        private static int NearestWeekday(DateTime anyDayOfMonth, int n, int length)
        {
            var target = new DateTime(anyDayOfMonth.Year, anyDayOfMonth.Month, n, 0, 0, 0, DateTimeKind.Utc);
            return target.DayOfWeek switch
            {
                DayOfWeek.Saturday => n == 1 ? 3 : n - 1,
                DayOfWeek.Sunday => n == length ? n - 2 : n + 1,
                _ => n,
            };
        }
    }

    /// <summary>Day-of-week: numbers/names and ranges (1 = SUN), <c>L</c> (Saturday), <c>nL</c> (last n-day), <c>n#k</c> (k-th n-day).</summary>
    private sealed class DayOfWeekRule
    {
        private readonly SortedSet<int> _days = [];
        private readonly List<int> _lastOfMonth = [];
        private readonly List<(int Day, int Nth)> _nth = [];

        public static DayOfWeekRule Parse(string field)
        {
            var rule = new DayOfWeekRule();
            foreach (var item in field.Split(','))
            {
                if (item == "L")
                {
                    rule._days.Add(7);
                }
                else if (item.Length > 1 && item.EndsWith('L'))
                {
                    rule._lastOfMonth.Add(ParseNumber(item[..^1], 1, 7, DayNames, "day-of-week"));
                }
                else if (item.Contains('#', StringComparison.Ordinal))
                {
                    var parts = item.Split('#');
                    rule._nth.Add((ParseNumber(parts[0], 1, 7, DayNames, "day-of-week"), ParseNumber(parts[1], 1, 5, null, "day-of-week occurrence")));
                }
                else
                {
                    var (start, end, step) = ParseRange(item, 1, 7, DayNames, "day-of-week");
                    for (var d = start; d <= end; d += step)
                    {
                        rule._days.Add(d);
                    }
                }
            }

            return rule;
        }

        public bool Matches(DateTime day)
        {
            var dow = (int)day.DayOfWeek + 1;
            if (_days.Contains(dow))
            {
                return true;
            }

            var length = DateTime.DaysInMonth(day.Year, day.Month);
            if (_lastOfMonth.Contains(dow) && day.Day + 7 > length)
            {
                return true;
            }

            return _nth.Any(n => n.Day == dow && (day.Day - 1) / 7 + 1 == n.Nth);
        }
    }
}
