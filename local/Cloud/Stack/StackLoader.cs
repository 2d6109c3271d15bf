using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalCloud.Schedules;
using DisasterRecovery.LocalEcs;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>
/// Turns template.yaml (read by <see cref="SamTemplate"/>) into a <see cref="LoadedStack"/>: functions with their
/// merged environment, state machines with their DefinitionSubstitutions applied (local ARNs), topics and schedules.
/// Anything that cannot be resolved is a <see cref="StackLoadException"/> naming the resource and the property.
/// </summary>
public static partial class StackLoader
{
    /// <summary>Used when neither --stack-name nor samconfig.toml names the stack.</summary>
    public const string DefaultStackName = "local";

    private const string FunctionType = "AWS::Serverless::Function";
    private const string StateMachineType = "AWS::Serverless::StateMachine";
    private const string TopicType = "AWS::SNS::Topic";
    private const string ZipPackage = "Zip";
    private const string ImagePackage = "Image";

    /// <summary>Loads and resolves a template.</summary>
    /// <exception cref="StackLoadException">The template cannot be read or resolved, or a definition is not valid ASL.</exception>
    public static LoadedStack Load(string templatePath, StackSettings settings)
    {
        SamTemplate template;
        try
        {
            template = SamTemplate.Load(templatePath);
        }
        catch (TemplateException e)
        {
            throw new StackLoadException(e.Message, e);
        }

        return new Loading(template, Path.GetFullPath(templatePath), settings).Run();
    }

    /// <summary>The stack name samconfig.toml (next to the template) gives <paramref name="environment"/>, else its default environment, if any.</summary>
    /// <exception cref="StackLoadException">samconfig.toml cannot be read.</exception>
    public static string? StackNameFromSamConfig(string templateDirectory, string? environment = null)
    {
        var config = SamConfig.Read(templateDirectory);
        return (environment is null ? null : config?.StackName(environment)) ?? config?.StackName("default");
    }

    private sealed class Loading
    {
        private readonly SamTemplate _template;
        private readonly string _templatePath;
        private readonly StackSettings _settings;
        private readonly Dictionary<string, ResourceIdentity> _identities = new(StringComparer.Ordinal);
        private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
        private readonly HashSet<string> _absent = new(StringComparer.Ordinal);
        private string _stackName = DefaultStackName;
        private string _region = "us-east-1";
        private IntrinsicResolver _resolver = null!;

        public Loading(SamTemplate template, string templatePath, StackSettings settings)
        {
            _template = template;
            _templatePath = templatePath;
            _settings = settings;
        }

        public LoadedStack Run()
        {
            var config = SamConfig.Read(_template.Directory);
            var parameters = ResolveParameters(config);
            var environment = _settings.ConfigEnvironment;
            _stackName = _settings.StackName
                ?? (environment is null ? null : config?.StackName(environment))
                ?? config?.StackName("default")
                ?? DefaultStackName;
            _region = _settings.Region ?? (parameters.GetValueOrDefault("RegionRole") == "dr" ? "us-west-2" : "us-east-1");
            var pseudo = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["AWS::StackName"] = _stackName,
                ["AWS::Region"] = _region,
                ["AWS::AccountId"] = _settings.AccountId,
                ["AWS::Partition"] = "aws",
                ["AWS::URLSuffix"] = "amazonaws.com",
                ["AWS::StackId"] = $"arn:aws:cloudformation:{_region}:{_settings.AccountId}:stack/{_stackName}/00000000-0000-0000-0000-000000000000",
            };
            _resolver = new IntrinsicResolver(
                parameters, pseudo, _template.Conditions, _template.Document["Mappings"] as JsonObject ?? [],
                id => _template.Resources.ContainsKey(id), Identity,
                _template.Parameters.Where(p => (p.Value?["Type"]?.GetValue<string>() ?? string.Empty) is "CommaDelimitedList" or ['L', 'i', 's', 't', '<', ..])
                    .Select(p => p.Key).ToHashSet(StringComparer.Ordinal));

            foreach (var resource in _template.Resources.Values)
            {
                if (resource.Condition is { } condition && !_resolver.EvaluateCondition(condition, $"{resource.LogicalId}: Condition"))
                {
                    _absent.Add(resource.LogicalId);
                }
            }

            var functions = new List<FunctionDefinition>();
            var machines = new List<StateMachineDefinition>();
            var topics = new List<TopicDefinition>();
            var buckets = new List<BucketDefinition>();
            var schedules = new List<ScheduleDefinition>();
            var unsimulated = new List<UnsimulatedEvent>();
            var taskDefinitions = new List<EcsTaskDefinition>();
            foreach (var resource in _template.Resources.Values.Where(r => !_absent.Contains(r.LogicalId)))
            {
                switch (resource.Type)
                {
                    case FunctionType:
                        functions.Add(LoadFunction(resource));
                        LoadEvents(resource, ScheduleTargetKind.Function, schedules, unsimulated);
                        break;
                    case StateMachineType:
                        machines.Add(LoadStateMachine(resource));
                        LoadEvents(resource, ScheduleTargetKind.StateMachine, schedules, unsimulated);
                        break;
                    case TopicType:
                        var identity = Identity(resource.LogicalId, resource.LogicalId);
                        topics.Add(new TopicDefinition(resource.LogicalId, identity.Attributes["TopicName"], identity.Ref));
                        break;
                    case "AWS::S3::Bucket":
                        buckets.Add(new BucketDefinition(resource.LogicalId, Identity(resource.LogicalId, resource.LogicalId).Ref)
                        {
                            Properties = _resolver.Resolve(resource.Properties, resource.LogicalId) as JsonObject ?? [],
                        });
                        break;
                    case EcsTemplateResources.TaskDefinitionType:
                        taskDefinitions.Add(LoadTaskDefinition(resource));
                        break;
                }
            }

            BucketPolicies.Attach(buckets, _template.Resources.Values.Where(r => r.Type == BucketPolicies.Type && !_absent.Contains(r.LogicalId))
                .Select(r => (r.LogicalId, _resolver.Resolve(r.Properties, r.LogicalId) as JsonObject ?? [])));
            return new LoadedStack(_templatePath, _stackName, _region, _settings.AccountId, parameters, functions, machines, topics, buckets, schedules,
                unsimulated)
            {
                TaskDefinitions = taskDefinitions,
            };
        }

        /// <summary>
        /// Every parameter's value: the template's Default, replaced by the samconfig environment's parameter_overrides,
        /// replaced by the settings' own overrides (the command line), as <c>sam deploy --config-env X --parameter-overrides</c>.
        /// </summary>
        private Dictionary<string, string> ResolveParameters(SamConfig? config)
        {
            var declared = _template.Parameters;
            var fromConfig = _settings.ConfigEnvironment is { } environment && config is not null
                ? config.ParameterOverrides(environment)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var key in fromConfig.Keys.Where(k => !declared.ContainsKey(k)))
            {
                throw new StackLoadException(
                    $"{config!.Path} [{_settings.ConfigEnvironment}.deploy.parameters] parameter_overrides: the template has no parameter '{key}' " +
                    $"(it has: {string.Join(", ", declared.Select(p => p.Key))})");
            }

            foreach (var key in _settings.ParameterOverrides.Keys.Where(k => !declared.ContainsKey(k)))
            {
                throw new StackLoadException(
                    $"--parameter-overrides: the template has no parameter '{key}' (it has: {string.Join(", ", declared.Select(p => p.Key))})");
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, node) in declared)
            {
                var spec = node as JsonObject ?? throw new StackLoadException($"Parameters.{name}: must be a mapping with a Type");
                string value;
                if (_settings.ParameterOverrides.TryGetValue(name, out var overridden))
                {
                    value = overridden;
                }
                else if (fromConfig.TryGetValue(name, out var configured))
                {
                    value = configured;
                }
                else if (spec["Default"] is JsonValue defaultValue)
                {
                    value = defaultValue.GetValueKind() == JsonValueKind.String ? defaultValue.GetValue<string>() : defaultValue.ToJsonString();
                }
                else
                {
                    throw new StackLoadException($"Parameters.{name}: has no Default; give it with --parameter-overrides {name}=<value>");
                }

                if (spec["AllowedValues"] is JsonArray allowed)
                {
                    var options =
                        allowed.Select(a => a is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : a?.ToJsonString()).ToList();
                    if (!options.Contains(value))
                    {
                        throw new StackLoadException($"Parameters.{name}: '{value}' is not one of its AllowedValues [{string.Join(", ", options)}]");
                    }
                }

                if (spec["AllowedPattern"] is JsonValue pattern && pattern.TryGetValue<string>(out var regex) &&
                    !Regex.IsMatch(value, $"^(?:{regex})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    throw new StackLoadException($"Parameters.{name}: '{value}' does not match its AllowedPattern {regex}");
                }

                if (spec["Type"] is JsonValue type && type.TryGetValue<string>(out var typeName) && typeName == "Number" &&
                    !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new StackLoadException($"Parameters.{name}: '{value}' is not a Number");
                }

                values[name] = value;
            }

            return values;
        }

        /// <summary>Ref and GetAtt values of a resource; computed on first use, since names may use other resources.</summary>
        private ResourceIdentity Identity(string logicalId, string where)
        {
            if (_identities.TryGetValue(logicalId, out var known))
            {
                return known;
            }

            if (_absent.Contains(logicalId))
            {
                throw new StackLoadException($"{where}: {logicalId} is not created (its Condition is false with these parameters)");
            }

            if (!_resolving.Add(logicalId))
            {
                throw new StackLoadException($"{where}: the name of {logicalId} depends on itself");
            }

            try
            {
                var resource = _template.Resources[logicalId];
                var identity = ComputeIdentity(resource);
                _identities[logicalId] = identity;
                return identity;
            }
            finally
            {
                _resolving.Remove(logicalId);
            }
        }

        private ResourceIdentity ComputeIdentity(TemplateResource resource)
        {
            var (id, region, account) = (resource.LogicalId, _region, _settings.AccountId);
            string Named(string property, string fallback) =>
                resource.Properties[property] is { } node ? _resolver.ResolveString(node, $"{id}: {property}") : fallback;
            var generated = $"{_stackName}-{id}";
            switch (resource.Type)
            {
                case FunctionType:
                    var functionName = Named("FunctionName", generated);
                    var functionArn = $"arn:aws:lambda:{region}:{account}:function:{functionName}";
                    return new ResourceIdentity(resource.Type, functionName, Attributes(("Arn", functionArn)));
                case StateMachineType:
                    var machineName = Named("Name", generated);
                    var machineArn = $"arn:aws:states:{region}:{account}:stateMachine:{machineName}";
                    return new ResourceIdentity(resource.Type, machineArn, Attributes(("Arn", machineArn), ("Name", machineName)));
                case TopicType:
                    var topicName = Named("TopicName", generated);
                    var topicArn = $"arn:aws:sns:{region}:{account}:{topicName}";
                    return new ResourceIdentity(resource.Type, topicArn, Attributes(("TopicArn", topicArn), ("TopicName", topicName)));
                case "AWS::Logs::LogGroup":
                    var groupName = Named("LogGroupName", generated);
                    return new ResourceIdentity(resource.Type, groupName, Attributes(("Arn", $"arn:aws:logs:{region}:{account}:log-group:{groupName}:*")));
                case "AWS::S3::Bucket":
                    var bucket = Named("BucketName", generated.ToLowerInvariant());
                    return new ResourceIdentity(resource.Type, bucket, Attributes(
                        ("Arn", $"arn:aws:s3:::{bucket}"), ("DomainName", $"{bucket}.s3.amazonaws.com"),
                        ("RegionalDomainName", $"{bucket}.s3.{region}.amazonaws.com")));
                case "AWS::SQS::Queue":
                    var queue = Named("QueueName", generated);
                    return new ResourceIdentity(resource.Type, $"https://sqs.{region}.amazonaws.com/{account}/{queue}", Attributes(
                        ("Arn", $"arn:aws:sqs:{region}:{account}:{queue}"), ("QueueName", queue),
                            ("QueueUrl", $"https://sqs.{region}.amazonaws.com/{account}/{queue}")));
                case "AWS::IAM::Role":
                    var role = Named("RoleName", generated);
                    return new ResourceIdentity(resource.Type, role,
                        Attributes(("Arn", $"arn:aws:iam::{account}:role/{role}"), ("RoleId", "AROA" + id.ToUpperInvariant())));
                case EcsTemplateResources.ClusterType:
                    var cluster = Named("ClusterName", generated);
                    var clusterArn = EcsTemplateResources.ClusterArn(region, account, cluster);
                    return new ResourceIdentity(resource.Type, cluster, Attributes(("Arn", clusterArn)));
                case EcsTemplateResources.TaskDefinitionType:
                    var taskDefinition = EcsTemplateResources.TaskDefinitionArn(region, account, Named("Family", generated));
                    return new ResourceIdentity(resource.Type, taskDefinition, Attributes(("TaskDefinitionArn", taskDefinition)));
                default:
                    throw new StackLoadException(
                        $"{id}: resources of type {resource.Type} have no local identity, so Ref and Fn::GetAtt on it cannot be resolved");
            }
        }

        private static Dictionary<string, string> Attributes(params (string Name, string Value)[] pairs) =>
            pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

        private EcsTaskDefinition LoadTaskDefinition(TemplateResource resource)
        {
            var identity = Identity(resource.LogicalId, resource.LogicalId);
            var family = identity.Ref[(identity.Ref.LastIndexOf('/') + 1)..^":1".Length];
            try
            {
                return EcsTemplateResources.Load(resource.LogicalId, resource.Properties, family, identity.Ref, _resolver.ResolveString);
            }
            catch (ArgumentException e)
            {
                throw new StackLoadException(e.Message, e);
            }
        }

        private JsonObject FunctionGlobals() => _template.Globals["Function"] as JsonObject ?? [];

        /// <summary>The resource's property, else the Globals.Function one (SAM's rule for scalar properties).</summary>
        private JsonNode? FunctionProperty(TemplateResource resource, string name) =>
            resource.Properties[name] ?? FunctionGlobals()[name];

        private FunctionDefinition LoadFunction(TemplateResource resource)
        {
            var id = resource.LogicalId;
            var identity = Identity(id, id);
            var packageType = resource.Properties["PackageType"] is { } packageNode ? _resolver.ResolveString(packageNode, $"{id}: PackageType") : ZipPackage;
            var (handler, runtime) = packageType switch
            {
                ZipPackage => ZipHandler(resource),
                ImagePackage => (ImageHandler(resource), (string?)null),
                _ => throw new StackLoadException($"{id}: PackageType must be {ZipPackage} or {ImagePackage}, was '{packageType}'"),
            };
            var memory = Integer(resource, "MemorySize", 128);
            var timeout = Integer(resource, "Timeout", 3);
            if (timeout is < 1 or > 900)
            {
                throw new StackLoadException($"{id}: Timeout must be 1 to 900 seconds, was {timeout}");
            }

            // Environment.Variables maps are merged, the resource's entries winning (SAM's rule for maps in Globals).
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (source, where) in new[] { (FunctionGlobals(), "Globals.Function"), (resource.Properties, id) })
            {
                if (source["Environment"] is JsonObject env && env["Variables"] is JsonObject variables)
                {
                    foreach (var (name, value) in variables)
                    {
                        environment[name] = _resolver.ResolveString(value, $"{where}: Environment.Variables.{name}");
                    }
                }
            }

            var description = resource.Properties["Description"] is { } d ? _resolver.ResolveString(d, $"{id}: Description") : null;
            return new FunctionDefinition(id, identity.Ref, identity.Attributes["Arn"], handler, runtime, memory, TimeSpan.FromSeconds(timeout),
                environment, description, packageType);
        }

        /// <summary>A .zip function: Handler (on dotnet10 the assembly name) and Runtime, either from Globals.Function.</summary>
        private (string Handler, string? Runtime) ZipHandler(TemplateResource resource)
        {
            var id = resource.LogicalId;
            if (resource.Properties["ImageConfig"] is not null)
            {
                throw new StackLoadException($"{id}: ImageConfig needs PackageType: {ImagePackage} (SAM refuses ImageConfig on a {ZipPackage} function)");
            }

            var handler = FunctionProperty(resource, "Handler") is { } handlerNode
                ? _resolver.ResolveString(handlerNode, $"{id}: Handler")
                : throw new StackLoadException(
                    $"{id}: Handler is missing (on dotnet10 it is the function's assembly name, e.g. HealthCheck; a container image function " +
                    $"says PackageType: {ImagePackage} and ImageConfig.Command: [<AssemblyName>] instead)");
            var runtime = FunctionProperty(resource, "Runtime") is { } runtimeNode ? _resolver.ResolveString(runtimeNode, $"{id}: Runtime") : null;
            return (handler, runtime);
        }

        /// <summary>
        /// A container image function: on the AWS .NET base image the image's CMD is the handler, which for our functions
        /// is the assembly name, so the handler is <c>ImageConfig.Command[0]</c>. The image brings its own runtime, so
        /// Handler and Runtime of Globals.Function do not apply, and SAM refuses them on the resource itself.
        /// </summary>
        private string ImageHandler(TemplateResource resource)
        {
            var id = resource.LogicalId;
            foreach (var property in new[] { "Handler", "Runtime" })
            {
                if (resource.Properties[property] is not null)
                {
                    throw new StackLoadException(
                        $"{id}: {property} cannot be present when PackageType is {ImagePackage} (the image's CMD, ImageConfig.Command, is the handler)");
                }
            }

            if (resource.Properties["ImageConfig"] is not JsonObject imageConfig || imageConfig["Command"] is not JsonArray { Count: > 0 } command)
            {
                throw new StackLoadException(
                    $"{id}: neither Handler nor ImageConfig.Command is set: a PackageType: {ImagePackage} function needs ImageConfig.Command: " +
                        $"[<AssemblyName>] " +
                    "(on the AWS .NET base image CMD is the handler, for our functions the assembly name, e.g. HealthCheck)");
            }

            return _resolver.ResolveString(command[0]!, $"{id}: ImageConfig.Command[0]");
        }

        private int Integer(TemplateResource resource, string property, int fallback)
        {
            if (FunctionProperty(resource, property) is not { } node)
            {
                return fallback;
            }

            var text = _resolver.ResolveString(node, $"{resource.LogicalId}: {property}");
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new StackLoadException($"{resource.LogicalId}: {property} must be a whole number, was '{text}'");
        }

        private StateMachineDefinition LoadStateMachine(TemplateResource resource)
        {
            var id = resource.LogicalId;
            var identity = Identity(id, id);
            string definition;
            string source;
            if (resource.Properties["DefinitionUri"] is { } uriNode)
            {
                if (uriNode is JsonObject)
                {
                    throw new StackLoadException($"{id}: DefinitionUri: an S3 location cannot be read locally; point it at a file in the repository");
                }

                source = _resolver.ResolveString(uriNode, $"{id}: DefinitionUri");
                var path = Path.GetFullPath(Path.Combine(_template.Directory, source));
                if (!File.Exists(path))
                {
                    throw new StackLoadException($"{id}: DefinitionUri: {source} does not exist (looked for {path})");
                }

                definition = File.ReadAllText(path);
            }
            else if (resource.Properties["Definition"] is JsonObject inline)
            {
                source = "inline Definition";
                definition = inline.ToJsonString();
            }
            else
            {
                throw new StackLoadException($"{id}: has neither DefinitionUri nor Definition");
            }

            var substitutions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (resource.Properties["DefinitionSubstitutions"] is { } substitutionsNode)
            {
                if (substitutionsNode is not JsonObject map)
                {
                    throw new StackLoadException($"{id}: DefinitionSubstitutions must be a mapping");
                }

                foreach (var (key, value) in map)
                {
                    substitutions[key] = _resolver.ResolveString(value, $"{id}: DefinitionSubstitutions.{key}");
                }
            }

            var substituted = Substitute(definition, substitutions, id, source);
            try
            {
                StateMachine.Parse(substituted);
            }
            catch (AslValidationException e)
            {
                throw new StackLoadException($"{id}: {source}: {e.Message}", e);
            }
            catch (JsonException e)
            {
                throw new StackLoadException($"{id}: {source}: not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message}", e);
            }

            return new StateMachineDefinition(id, identity.Attributes["Name"], identity.Ref, source, substituted, substitutions);
        }

        /// <summary>
        /// Replaces <c>${Key}</c> with the substitution's value, escaped for a JSON string (the placeholders sit inside
        /// strings). A placeholder with no substitution is an error: deployed, it would reach Step Functions literally.
        /// </summary>
        private static string Substitute(string definition, IReadOnlyDictionary<string, string> substitutions, string id, string source)
        {
            var missing = new SortedSet<string>(StringComparer.Ordinal);
            var result = Placeholder().Replace(definition, match =>
            {
                var key = match.Groups["key"].Value;
                if (substitutions.TryGetValue(key, out var value))
                {
                    var encoded = JsonSerializer.Serialize(value);
                    return encoded[1..^1];
                }

                missing.Add(key);
                return match.Value;
            });
            if (missing.Count > 0)
            {
                throw new StackLoadException(
                    $"{id}: {source} uses {string.Join(", ", missing.Select(m => "${" + m + "}"))}, which DefinitionSubstitutions does not define" +
                    $" (it defines: {(substitutions.Count == 0 ? "nothing" : string.Join(", ", substitutions.Keys))})");
            }

            return result;
        }

        private void LoadEvents(TemplateResource resource, ScheduleTargetKind kind, List<ScheduleDefinition> schedules, List<UnsimulatedEvent> unsimulated)
        {
            var id = resource.LogicalId;
            if (resource.Properties["Events"] is not { } eventsNode)
            {
                return;
            }

            if (eventsNode is not JsonObject events)
            {
                throw new StackLoadException($"{id}: Events must be a mapping of event name to event");
            }

            foreach (var (name, node) in events)
            {
                var where = $"{id}: Events.{name}";
                var resolved = _resolver.Resolve(node, where) as JsonObject
                    ?? throw new StackLoadException($"{where}: must be a mapping with Type and Properties");
                var type = resolved["Type"] is JsonValue t && t.TryGetValue<string>(out var typeName)
                    ? typeName
                    : throw new StackLoadException($"{where}: has no Type");
                var properties = resolved["Properties"] as JsonObject ?? [];
                switch (type)
                {
                    case "Schedule":
                        schedules.Add(LoadSchedule(id, kind, name, type, properties, "Schedule", where));
                        break;
                    case "ScheduleV2":
                        schedules.Add(LoadSchedule(id, kind, name, type, properties, "ScheduleExpression", where));
                        break;
                    default:
                        unsimulated.Add(new UnsimulatedEvent(id, name, type));
                        break;
                }
            }
        }

        private static ScheduleDefinition LoadSchedule(
            string id, ScheduleTargetKind kind, string name, string type, JsonObject properties, string expressionProperty, string where)
        {
            var expressionText = Text(properties, expressionProperty, where)
                ?? throw new StackLoadException($"{where}: Properties.{expressionProperty} is missing");
            ScheduleExpression expression;
            try
            {
                expression = ScheduleExpression.Parse(expressionText);
            }
            catch (FormatException e)
            {
                throw new StackLoadException($"{where}: Properties.{expressionProperty}: {e.Message}", e);
            }

            if (expression is AtExpression && type == "Schedule")
            {
                throw new StackLoadException($"{where}: Properties.Schedule: at() is only valid for ScheduleV2 (EventBridge Scheduler)");
            }

            if (Text(properties, "ScheduleExpressionTimezone", where) is { } zone && zone is not ("UTC" or "Etc/UTC"))
            {
                throw new StackLoadException($"{where}: Properties.ScheduleExpressionTimezone: '{zone}' — the local cloud simulates UTC schedules only");
            }

            var input = Text(properties, "Input", where);
            if (input is not null)
            {
                try
                {
                    JsonNode.Parse(input);
                }
                catch (JsonException e)
                {
                    throw new StackLoadException($"{where}: Properties.Input is not valid JSON (position {e.BytePositionInLine + 1}): {input}", e);
                }
            }

            var enabled = true;
            if (Text(properties, "State", where) is { } state)
            {
                enabled = state switch
                {
                    "ENABLED" => true,
                    "DISABLED" => false,
                    _ => throw new StackLoadException($"{where}: Properties.State must be ENABLED or DISABLED, was '{state}'"),
                };
            }

            if (properties["Enabled"] is JsonValue enabledValue)
            {
                enabled = enabledValue.TryGetValue<bool>(out var flag)
                    ? flag
                    : throw new StackLoadException($"{where}: Properties.Enabled must be true or false");
            }

            return new ScheduleDefinition(id, kind, name, type, expression, input, enabled,
                Date(properties, "StartDate", where), Date(properties, "EndDate", where), Text(properties, "Description", where));
        }

        private static string? Text(JsonObject properties, string name, string where) => properties[name] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var other => throw new StackLoadException($"{where}: Properties.{name} must be a string, got {IntrinsicResolver.Describe(other)}"),
        };

        private static DateTimeOffset? Date(JsonObject properties, string name, string where)
        {
            var text = Text(properties, name, where);
            if (text is null)
            {
                return null;
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
                ? date
                : throw new StackLoadException($"{where}: Properties.{name}: '{text}' is not a date-time");
        }
    }

    [GeneratedRegex("\\$\\{(?<key>[A-Za-z0-9_.:-]+)\\}")]
    private static partial Regex Placeholder();

    /// <summary>Used by error messages that list what exists.</summary>
    internal static string Names(IEnumerable<string> names)
    {
        var builder = new StringBuilder();
        foreach (var name in names)
        {
            builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(name);
        }

        return builder.Length == 0 ? "none" : builder.ToString();
    }
}
