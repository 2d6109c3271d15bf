using DisasterRecovery.LocalCloud.Schedules;
using DisasterRecovery.LocalEcs;

namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>The template as the local cloud runs it: every name, ARN and value resolved.</summary>
public sealed class LoadedStack
{
    internal LoadedStack(
        string templatePath,
        string stackName,
        string region,
        string accountId,
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyList<FunctionDefinition> functions,
        IReadOnlyList<StateMachineDefinition> stateMachines,
        IReadOnlyList<TopicDefinition> topics,
        IReadOnlyList<BucketDefinition> buckets,
        IReadOnlyList<ScheduleDefinition> schedules,
        IReadOnlyList<UnsimulatedEvent> unsimulatedEvents)
    {
        TemplatePath = templatePath;
        StackName = stackName;
        Region = region;
        AccountId = accountId;
        Parameters = parameters;
        Functions = functions;
        StateMachines = stateMachines;
        Topics = topics;
        Buckets = buckets;
        Schedules = schedules;
        UnsimulatedEvents = unsimulatedEvents;
    }

    public string TemplatePath { get; }

    public string StackName { get; }

    public string Region { get; }

    public string AccountId { get; }

    /// <summary>Every template parameter's effective value (override or default).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public IReadOnlyList<StateMachineDefinition> StateMachines { get; }

    public IReadOnlyList<TopicDefinition> Topics { get; }

    /// <summary>The template's S3 buckets; the local cloud creates them in its local S3 endpoint.</summary>
    public IReadOnlyList<BucketDefinition> Buckets { get; }

    /// <summary>Schedule and ScheduleV2 events of functions and state machines, in template order.</summary>
    public IReadOnlyList<ScheduleDefinition> Schedules { get; }

    /// <summary>Events of other types (API, SQS, …): listed, never fired.</summary>
    public IReadOnlyList<UnsimulatedEvent> UnsimulatedEvents { get; }

    /// <summary>The ECS task definitions (the Fargate job path), run by the <c>ecs</c> emulator as local processes.</summary>
    public IReadOnlyList<EcsTaskDefinition> TaskDefinitions { get; init; } = [];

    /// <summary>A function by logical id, function name or ARN (with or without a qualifier).</summary>
    public FunctionDefinition? FindFunction(string nameOrArn)
    {
        var name = nameOrArn;
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            // arn:aws:lambda:region:account:function:name[:qualifier]
            var parts = name.Split(':');
            name = parts.Length >= 7 && parts[2] == "lambda" && parts[5] == "function" ? parts[6] : name;
        }
        else if (name.Contains(':', StringComparison.Ordinal))
        {
            name = name[..name.IndexOf(':', StringComparison.Ordinal)]; // name:qualifier
        }

        return Functions.FirstOrDefault(f => f.LogicalId == name || f.FunctionName == name || f.Arn == nameOrArn);
    }

    /// <summary>A state machine by logical id, name or ARN.</summary>
    public StateMachineDefinition? FindStateMachine(string idNameOrArn) =>
        StateMachines.FirstOrDefault(m => m.LogicalId == idNameOrArn || m.Name == idNameOrArn || m.Arn == idNameOrArn);

    /// <summary>A topic by ARN.</summary>
    public TopicDefinition? FindTopic(string arn) => Topics.FirstOrDefault(t => t.Arn == arn);
}

/// <summary>An <c>AWS::Serverless::Function</c>.</summary>
/// <param name="LogicalId">The template's logical id.</param>
/// <param name="FunctionName">The function name (FunctionName property, else <c>&lt;stack&gt;-&lt;LogicalId&gt;</c>).</param>
/// <param name="Arn">The local function ARN.</param>
/// <param name="Handler">On dotnet10 the function's assembly name; for a container image, <c>ImageConfig.Command[0]</c> (also the assembly name).</param>
/// <param name="Runtime">The runtime, e.g. dotnet10; null for a container image (the image brings its own).</param>
/// <param name="MemorySize">MB.</param>
/// <param name="Timeout">The function timeout; the deadline of every local invocation.</param>
/// <param name="Environment">Globals.Function and resource Environment.Variables, merged, Refs resolved.</param>
/// <param name="Description">The Description property.</param>
/// <param name="PackageType"><c>Zip</c> (the default) or <c>Image</c> (a container image built from the function's Dockerfile).</param>
public sealed record FunctionDefinition(
    string LogicalId,
    string FunctionName,
    string Arn,
    string Handler,
    string? Runtime,
    int MemorySize,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string> Environment,
    string? Description,
    string PackageType = "Zip");

/// <summary>An <c>AWS::Serverless::StateMachine</c> with its definition's substitutions applied.</summary>
/// <param name="LogicalId">The template's logical id.</param>
/// <param name="Name">The state machine name.</param>
/// <param name="Arn">The local state machine ARN.</param>
/// <param name="DefinitionSource">The DefinitionUri file (relative to the template), or "inline".</param>
/// <param name="Definition">The ASL JSON text with every <c>${…}</c> substituted.</param>
/// <param name="Substitutions">DefinitionSubstitutions, resolved.</param>
public sealed record StateMachineDefinition(
    string LogicalId,
    string Name,
    string Arn,
    string DefinitionSource,
    string Definition,
    IReadOnlyDictionary<string, string> Substitutions);

/// <summary>An <c>AWS::SNS::Topic</c>.</summary>
public sealed record TopicDefinition(string LogicalId, string TopicName, string Arn);

/// <summary>An <c>AWS::S3::Bucket</c>.</summary>
public sealed record BucketDefinition(string LogicalId, string BucketName)
{
    /// <summary>The resource's Properties with every intrinsic resolved (empty when it has none).</summary>
    public System.Text.Json.Nodes.JsonObject Properties { get; init; } = [];

    /// <summary>The PolicyDocument of the <c>AWS::S3::BucketPolicy</c> naming this bucket, resolved; null when none does.</summary>
    public System.Text.Json.Nodes.JsonObject? PolicyDocument { get; init; }

    /// <summary>The logical id of that bucket policy.</summary>
    public string? PolicyLogicalId { get; init; }
}

/// <summary>What a schedule fires.</summary>
public enum ScheduleTargetKind
{
    /// <summary>An <c>AWS::Serverless::Function</c>.</summary>
    Function,

    /// <summary>An <c>AWS::Serverless::StateMachine</c>.</summary>
    StateMachine,
}

/// <summary>A <c>Schedule</c> (EventBridge rule) or <c>ScheduleV2</c> (EventBridge Scheduler) event.</summary>
/// <param name="TargetLogicalId">The function or state machine the event belongs to.</param>
/// <param name="TargetKind">Function or state machine.</param>
/// <param name="EventName">The key under Events.</param>
/// <param name="EventType">Schedule or ScheduleV2.</param>
/// <param name="Expression">The parsed rate/cron/at expression.</param>
/// <param name="Input">The Input property (JSON text), when set.</param>
/// <param name="Enabled">False when State is DISABLED or Enabled is false.</param>
/// <param name="StartDate">ScheduleV2 StartDate, when set.</param>
/// <param name="EndDate">ScheduleV2 EndDate, when set.</param>
/// <param name="Description">The Description property.</param>
public sealed record ScheduleDefinition(
    string TargetLogicalId,
    ScheduleTargetKind TargetKind,
    string EventName,
    string EventType,
    ScheduleExpression Expression,
    string? Input,
    bool Enabled,
    DateTimeOffset? StartDate,
    DateTimeOffset? EndDate,
    string? Description);

/// <summary>An event source the local cloud does not fire (listed so nothing is silently ignored).</summary>
public sealed record UnsimulatedEvent(string TargetLogicalId, string EventName, string EventType);
