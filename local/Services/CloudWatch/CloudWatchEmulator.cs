using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalCloudWatch;

/// <summary>CloudWatch PutMetricData, recorded to <c>cloudwatch.json</c> with CloudWatch's own validation rules; GetMetricStatistics of the
/// metrics AWS services publish (CloudWatchEmulator.Statistics.cs).</summary>
public sealed partial class CloudWatchEmulator : ServiceEmulator
{
    /// <summary>The units CloudWatch accepts.</summary>
    public static readonly IReadOnlySet<string> Units = new HashSet<string>(StringComparer.Ordinal)
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
        "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
        "Terabits/Second", "Count/Second", "None",
    };

    private readonly JsonStateFile<CloudWatchState> _state;

    /// <param name="stateFile">Where recorded data points are kept.</param>
    public CloudWatchEmulator(string stateFile)
    {
        _state = new JsonStateFile<CloudWatchState>(stateFile);
        var dimension = Shape.Structure(Req("Name", Shape.String), Req("Value", Shape.String));
        var statistics =
            Shape.Structure(Req("SampleCount", Shape.Number), Req("Sum", Shape.Number), Req("Minimum", Shape.Number), Req("Maximum", Shape.Number));
        var datum = Shape.Structure(
            Req("MetricName", Shape.String),
            Opt("Dimensions", Shape.List(dimension)),
            Opt("Timestamp", Shape.Timestamp),
            Opt("Value", Shape.Number),
            Opt("StatisticValues", statistics),
            Opt("Values", Shape.List(Shape.Number)),
            Opt("Counts", Shape.List(Shape.Number)),
            Opt("Unit", Shape.String),
            Opt("StorageResolution", Shape.Integer));
        Action("putMetricData", Shape.Structure(
            Req("Namespace", Shape.String),
            Opt("MetricData", Shape.List(datum)),
            Opt("EntityMetricData", Shape.List(Shape.Any)),
            Opt("StrictEntityValidation", Shape.Boolean)), PutMetricData);
        AddStatisticsActions();
    }

    /// <inheritdoc />
    public override string ServiceName => "cloudwatch";

    /// <inheritdoc />
    public override string ErrorPrefix => "CloudWatch";

    /// <summary>Every data point recorded so far (across restarts), oldest first.</summary>
    public IReadOnlyList<RecordedMetric> Metrics => _state.Read().Metrics;

    private JsonNode? PutMetricData(JsonObject parameters, ServiceCallContext context)
    {
        var ns = Text(parameters, "Namespace")!;
        if (ns.Length is 0 or > 255 || ns.StartsWith("AWS/", StringComparison.Ordinal) || ns.StartsWith(':'))
        {
            throw InvalidValue($"The value {ns} for parameter Namespace is invalid.");
        }

        var data = parameters["MetricData"] as JsonArray ?? [];
        if (data.Count == 0 && parameters["EntityMetricData"] is null)
        {
            throw new ServiceErrorException("MissingRequiredParameterException", "The parameter MetricData is required.");
        }

        if (data.Count > 1000)
        {
            throw InvalidValue("The collection MetricData must not have a size greater than 1000.");
        }

        var now = context.Clock.GetUtcNow();
        var recorded = new List<RecordedMetric>();
        for (var i = 0; i < data.Count; i++)
        {
            var datum = (JsonObject)data[i]!;
            var member = $"MetricData.member.{i + 1}";
            var hasValue = datum["Value"] is not null;
            var hasStatistics = datum["StatisticValues"] is not null;
            var hasValues = datum["Values"] is not null;
            if ((hasValue ? 1 : 0) + (hasStatistics ? 1 : 0) + (hasValues ? 1 : 0) > 1)
            {
                throw new ServiceErrorException("InvalidParameterCombinationException",
                    $"The parameters {member}.Value, {member}.StatisticValues and {member}.Values are mutually exclusive " +
                    "and you have specified more than one.");
            }

            if (Text(datum, "Unit") is { } unit && !Units.Contains(unit))
            {
                throw InvalidValue($"The value {unit} for parameter {member}.Unit is invalid.");
            }

            if (datum["Dimensions"] is JsonArray { Count: > 30 })
            {
                throw InvalidValue($"The collection {member}.Dimensions must not have a size greater than 30.");
            }

            if (datum["Counts"] is JsonArray counts && (datum["Values"] as JsonArray)?.Count != counts.Count)
            {
                throw InvalidValue($"The parameters {member}.Values and {member}.Counts must be arrays of the same size.");
            }

            recorded.Add(new RecordedMetric
            {
                Namespace = ns,
                MetricName = Text(datum, "MetricName")!,
                Datum = (JsonObject)datum.DeepClone(),
                RecordedAt = now,
                ExecutionArn = context.ExecutionArn,
                StateName = context.StateName,
            });
        }

        _state.Update(state =>
        {
            state.Metrics.AddRange(recorded);
            return recorded.Count;
        });
        return new JsonObject();
    }

    private static ServiceErrorException InvalidValue(string message) => new("InvalidParameterValueException", message);
}

/// <summary>What cloudwatch.json holds.</summary>
public sealed class CloudWatchState
{
    public List<RecordedMetric> Metrics { get; set; } = [];
}

/// <summary>One datum of one PutMetricData call.</summary>
public sealed class RecordedMetric
{
    public string Namespace { get; set; } = string.Empty;

    public string MetricName { get; set; } = string.Empty;

    /// <summary>The datum as sent (Dimensions, Value(s), Unit, Timestamp…).</summary>
    public JsonObject Datum { get; set; } = [];

    /// <summary>On the engine's clock.</summary>
    public DateTimeOffset RecordedAt { get; set; }

    public string? ExecutionArn { get; set; }

    public string? StateName { get; set; }
}
