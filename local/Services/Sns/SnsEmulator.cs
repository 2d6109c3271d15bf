using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalSns;

/// <summary>
/// SNS Publish, recorded instead of delivered: every message goes to <c>sns.json</c> in the state folder, where the
/// tests and an operator can read what the on-call rotation would have received. Topics are the template's
/// <c>AWS::SNS::Topic</c> resources; publishing anywhere else is <c>NotFoundException</c>, as in AWS.
/// </summary>
public sealed class SnsEmulator : ServiceEmulator
{
    /// <summary>SNS's limit on a message, in bytes.</summary>
    public const int MaxMessageBytes = 256 * 1024;

    private readonly Func<string, bool> _topicExists;
    private readonly JsonStateFile<SnsState> _state;

    /// <param name="topicExists">Whether a topic ARN is one of the stack's topics.</param>
    /// <param name="stateFile">Where published messages are kept.</param>
    public SnsEmulator(Func<string, bool> topicExists, string stateFile)
    {
        _topicExists = topicExists;
        _state = new JsonStateFile<SnsState>(stateFile);
        var attributeValue = Shape.Structure(Req("DataType", Shape.String), Opt("StringValue", Shape.String), Opt("BinaryValue", Shape.String));
        Action("publish", Shape.Structure(
            Opt("TopicArn", Shape.String),
            Opt("TargetArn", Shape.String),
            Opt("PhoneNumber", Shape.String),
            Req("Message", Shape.String),
            Opt("Subject", Shape.String),
            Opt("MessageStructure", Shape.String),
            Opt("MessageAttributes", Shape.Map(attributeValue)),
            Opt("MessageGroupId", Shape.String),
            Opt("MessageDeduplicationId", Shape.String)), Publish);
    }

    /// <inheritdoc />
    public override string ServiceName => "sns";

    /// <inheritdoc />
    public override string ErrorPrefix => "Sns";

    /// <summary>Every message published so far (across restarts), oldest first.</summary>
    public IReadOnlyList<PublishedMessage> Messages => _state.Read().Messages;

    private JsonNode? Publish(JsonObject parameters, ServiceCallContext context)
    {
        var topicArn = Text(parameters, "TopicArn");
        var targetArn = Text(parameters, "TargetArn");
        var phoneNumber = Text(parameters, "PhoneNumber");
        var destinations = new[] { topicArn, targetArn, phoneNumber }.Count(d => !string.IsNullOrEmpty(d));
        if (destinations == 0)
        {
            throw Invalid("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        }

        if (destinations > 1)
        {
            throw Invalid("Invalid parameter: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
        }

        var destination = topicArn ?? targetArn;
        if (destination is not null && !_topicExists(destination))
        {
            throw new ServiceErrorException("NotFoundException", topicArn is not null ? "Topic does not exist" : "Endpoint does not exist", 404);
        }

        var message = Text(parameters, "Message") ?? string.Empty;
        if (message.Length == 0)
        {
            throw Invalid("Invalid parameter: Empty message");
        }

        if (Encoding.UTF8.GetByteCount(message) > MaxMessageBytes)
        {
            throw Invalid("Invalid parameter: Message too long");
        }

        var subject = Text(parameters, "Subject");
        if (subject is not null && (subject.Length is 0 or > 100 || subject.Any(c => c < 0x20 || c > 0x7e)))
        {
            throw Invalid("Invalid parameter: Subject");
        }

        if (Text(parameters, "MessageStructure") is { } structure)
        {
            if (structure != "json")
            {
                throw Invalid("Invalid parameter: MessageStructure");
            }

            JsonNode? body;
            try
            {
                body = JsonNode.Parse(message);
            }
            catch (JsonException)
            {
                body = null;
            }

            if (body is not JsonObject entries || !entries.ContainsKey("default"))
            {
                throw Invalid("Invalid parameter: Message Structure - No default entry in JSON message body");
            }
        }

        var fifo = destination?.EndsWith(".fifo", StringComparison.Ordinal) == true;
        if (fifo && Text(parameters, "MessageGroupId") is null)
        {
            throw Invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
        }

        var published = new PublishedMessage
        {
            MessageId = Guid.NewGuid().ToString(),
            TopicArn = topicArn,
            TargetArn = targetArn,
            PhoneNumber = phoneNumber,
            Subject = subject,
            Message = message,
            MessageAttributes = parameters["MessageAttributes"]?.DeepClone() as JsonObject,
            MessageGroupId = Text(parameters, "MessageGroupId"),
            PublishedAt = context.Clock.GetUtcNow(),
            ExecutionArn = context.ExecutionArn,
            StateName = context.StateName,
        };
        var sequence = _state.Update(state =>
        {
            state.Messages.Add(published);
            return state.Messages.Count;
        });
        var result = new JsonObject { ["MessageId"] = published.MessageId };
        if (fifo)
        {
            result["SequenceNumber"] = sequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static ServiceErrorException Invalid(string message) => new("InvalidParameterException", message);
}

/// <summary>What sns.json holds.</summary>
public sealed class SnsState
{
    public List<PublishedMessage> Messages { get; set; } = [];
}

/// <summary>One recorded Publish.</summary>
public sealed class PublishedMessage
{
    public string MessageId { get; set; } = string.Empty;

    public string? TopicArn { get; set; }

    public string? TargetArn { get; set; }

    public string? PhoneNumber { get; set; }

    public string? Subject { get; set; }

    public string Message { get; set; } = string.Empty;

    public JsonObject? MessageAttributes { get; set; }

    public string? MessageGroupId { get; set; }

    /// <summary>On the engine's clock (virtual time during a virtual-clock run).</summary>
    public DateTimeOffset PublishedAt { get; set; }

    public string? ExecutionArn { get; set; }

    public string? StateName { get; set; }
}
