using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalCloudWatch;

/// <summary>
/// A metric an AWS service publishes about its own resources (<c>AWS/RDS FreeStorageSpace</c> per <c>DBInstanceIdentifier</c>),
/// read live from the local emulator of that service; null when it has no such resource (then CloudWatch has no data points).
/// </summary>
public interface IServiceMetricSource
{
    /// <summary>The metric's current value, or null when the service publishes none for these dimensions.</summary>
    Task<double?> ReadAsync(string metricNamespace, string metricName, IReadOnlyDictionary<string, string> dimensions, CancellationToken cancellationToken);
}

// GetMetricStatistics over the metrics AWS services publish (AWS/*): one data point per call, the value the service's local
// emulator reports now (or the one a test set with SetServiceMetric), time-stamped at the window's start. A metric nobody
// publishes returns no data points, as CloudWatch does for a dimension combination never published.
public sealed partial class CloudWatchEmulator
{
    private static readonly string[] StatisticNames = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

    private readonly ConcurrentDictionary<string, double> _serviceMetricOverrides = new(StringComparer.Ordinal);

    /// <summary>Where AWS/* metrics come from (the local cloud connects the RDS emulator); null: no service publishes.</summary>
    public IServiceMetricSource? ServiceMetrics { get; set; }

    /// <summary>Stands in for a service publishing <paramref name="value"/> as the metric's current value (tests: a nearly full disk).</summary>
    public void SetServiceMetric(string metricNamespace, string metricName, IReadOnlyDictionary<string, string> dimensions, double value) =>
        _serviceMetricOverrides[MetricKey(metricNamespace, metricName, dimensions)] = value;

    /// <summary>Undoes <see cref="SetServiceMetric"/>: the service's own reading counts again.</summary>
    public void RemoveServiceMetric(string metricNamespace, string metricName, IReadOnlyDictionary<string, string> dimensions) =>
        _serviceMetricOverrides.TryRemove(MetricKey(metricNamespace, metricName, dimensions), out _);

    private void AddStatisticsActions()
    {
        var dimension = Shape.Structure(Req("Name", Shape.String), Req("Value", Shape.String));
        Action("getMetricStatistics", Shape.Structure(
            Req("Namespace", Shape.String),
            Req("MetricName", Shape.String),
            Opt("Dimensions", Shape.List(dimension)),
            Req("StartTime", Shape.Timestamp),
            Req("EndTime", Shape.Timestamp),
            Req("Period", Shape.Integer),
            Opt("Statistics", Shape.List(Shape.String)),
            Opt("ExtendedStatistics", Shape.List(Shape.String)),
            Opt("Unit", Shape.String)), GetMetricStatistics);
    }

    private async Task<JsonNode?> GetMetricStatistics(JsonObject parameters, ServiceCallContext context, CancellationToken cancellationToken)
    {
        var ns = Text(parameters, "Namespace")!;
        var name = Text(parameters, "MetricName")!;
        var start = Time(parameters, "StartTime");
        var end = Time(parameters, "EndTime");
        var period = parameters["Period"]!.GetValue<int>();
        if (period < 1 || (period > 60 && period % 60 != 0))
        {
            throw InvalidValue($"The parameter Period must be 1, 5, 10, 20, 30, 60 or a multiple of 60, was {period}.");
        }

        if (end <= start)
        {
            throw InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
        }

        var statistics = (parameters["Statistics"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList() ?? [];
        if ((statistics.Count == 0) == (parameters["ExtendedStatistics"] is null))
        {
            throw new ServiceErrorException("InvalidParameterCombinationException", "Must specify either Statistics or ExtendedStatistics, but not both.");
        }

        if (statistics.FirstOrDefault(s => !StatisticNames.Contains(s)) is { } unknown)
        {
            throw InvalidValue($"The value {unknown} for parameter Statistics is invalid.");
        }

        var unit = Text(parameters, "Unit");
        if (unit is not null && !Units.Contains(unit))
        {
            throw InvalidValue($"The value {unit} for parameter Unit is invalid.");
        }

        var dimensions = ((parameters["Dimensions"] as JsonArray) ?? [])
            .ToDictionary(d => d!["Name"]!.GetValue<string>(), d => d!["Value"]!.GetValue<string>(), StringComparer.Ordinal);
        var value = await ReadServiceMetricAsync(ns, name, dimensions, cancellationToken).ConfigureAwait(false);
        var datapoints = new JsonArray();
        if (value is { } v)
        {
            var point = new JsonObject { ["Timestamp"] = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
            foreach (var statistic in statistics)
            {
                point[statistic] = statistic == "SampleCount" ? 1 : v;
            }

            point["Unit"] = unit ?? "None";
            datapoints.Add(point);
        }

        return new JsonObject { ["Label"] = name, ["Datapoints"] = datapoints };
    }

    private async Task<double?> ReadServiceMetricAsync(
        string ns, string name, IReadOnlyDictionary<string, string> dimensions, CancellationToken cancellationToken)
    {
        if (_serviceMetricOverrides.TryGetValue(MetricKey(ns, name, dimensions), out var set))
        {
            return set;
        }

        return ns.StartsWith("AWS/", StringComparison.Ordinal) && ServiceMetrics is { } source
            ? await source.ReadAsync(ns, name, dimensions, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private static DateTimeOffset Time(JsonObject parameters, string name) =>
        DateTimeOffset.Parse(parameters[name]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string MetricKey(string ns, string name, IReadOnlyDictionary<string, string> dimensions) =>
        ns + "|" + name + "|" + string.Join(",", dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + d.Value));
}
