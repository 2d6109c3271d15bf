using System.Text.Json.Nodes;

namespace DisasterRecovery.TestSupport.AwsModels;

/// <summary>
/// One AWS service's API as botocore models it (<c>data/&lt;service&gt;/&lt;date&gt;/service-2.json</c>), in Step Functions'
/// spelling: actions camelCase, members as the AWS SDK for Java v2 names them, errors <c>&lt;Service&gt;.&lt;Exception&gt;</c>.
/// </summary>
public sealed class AwsServiceModel
{
    private readonly JsonObject _shapes;
    private readonly Dictionary<string, ModelShape> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AwsOperation> _operations;

    internal AwsServiceModel(string name, string apiVersion, JsonObject model)
    {
        Name = name;
        ApiVersion = apiVersion;
        var metadata = model["metadata"] as JsonObject ?? throw new InvalidDataException($"the {name} model has no metadata");
        ServiceId = metadata["serviceId"]?.GetValue<string>() ?? throw new InvalidDataException($"the {name} model has no serviceId");
        ErrorPrefix = StepFunctionsNaming.ServiceName(ServiceId);
        _shapes = model["shapes"] as JsonObject ?? throw new InvalidDataException($"the {name} model has no shapes");
        ErrorNames = _shapes
            .Where(s => s.Value?["exception"]?.GetValue<bool>() == true || s.Value?["fault"]?.GetValue<bool>() == true)
            .Select(s => $"{ErrorPrefix}.{StepFunctionsNaming.Exception(s.Key)}")
            .ToHashSet(StringComparer.Ordinal);
        _operations = (model["operations"] as JsonObject ?? []).ToDictionary(
            o => StepFunctionsNaming.Action(o.Key),
            o => new AwsOperation(this, o.Key, o.Value!.AsObject()),
            StringComparer.Ordinal);
    }

    /// <summary>The model's folder name, which is also the service in the resource ARN for most services (<c>rds</c>, <c>secretsmanager</c>).</summary>
    public string Name { get; }

    /// <summary>The model's API version (its folder's date).</summary>
    public string ApiVersion { get; }

    /// <summary>The model's <c>serviceId</c> (<c>RDS</c>, <c>Secrets Manager</c>).</summary>
    public string ServiceId { get; }

    /// <summary>What prefixes the service's errors in Step Functions: the Java v2 service name (<c>Rds</c>, <c>SecretsManager</c>).</summary>
    public string ErrorPrefix { get; }

    /// <summary>
    /// The name under which Step Functions reports an error the model does not define (the Java v2 service's base
    /// exception): <c>Rds.RdsException</c>.
    /// </summary>
    public string GenericErrorName => $"{ErrorPrefix}.{ErrorPrefix}Exception";

    /// <summary>Every error the model defines, as Step Functions names it: <c>Rds.DbInstanceNotFoundException</c>.</summary>
    public IReadOnlySet<string> ErrorNames { get; }

    /// <summary>Every action, camelCase as in the resource ARN.</summary>
    public IReadOnlyCollection<string> Actions => _operations.Keys;

    /// <summary>The operation behind an action (<c>describeDBInstances</c>), or null when the service has no such action.</summary>
    public AwsOperation? Operation(string action) => _operations.GetValueOrDefault(action);

    /// <summary>A shape by its model name.</summary>
    public ModelShape Shape(string shapeName) => ModelShape.FromModel(shapeName, _shapes, _cache);

    /// <inheritdoc />
    public override string ToString() => $"{Name} {ApiVersion}";
}

/// <summary>One operation of a service model.</summary>
public sealed class AwsOperation
{
    private readonly AwsServiceModel _service;
    private readonly string? _inputShape;
    private readonly string? _outputShape;

    internal AwsOperation(AwsServiceModel service, string name, JsonObject definition)
    {
        _service = service;
        Name = name;
        _inputShape = definition["input"]?["shape"]?.GetValue<string>();
        _outputShape = definition["output"]?["shape"]?.GetValue<string>();
        ErrorNames = (definition["errors"] as JsonArray ?? [])
            .Select(e => $"{service.ErrorPrefix}.{StepFunctionsNaming.Exception(e!["shape"]!.GetValue<string>())}")
            .ToList();
    }

    /// <summary>The operation's name in the model (<c>DescribeDBInstances</c>).</summary>
    public string Name { get; }

    /// <summary>The action in the resource ARN (<c>describeDBInstances</c>).</summary>
    public string Action => StepFunctionsNaming.Action(Name);

    /// <summary>The request: a structure (empty when the operation takes no input).</summary>
    public ModelShape Input => _inputShape is null ? ModelShape.Structure(Name + "Request", new Dictionary<string, ModelShape>()) : _service.Shape(_inputShape);

    /// <summary>The response: a structure (empty when the operation returns nothing).</summary>
    public ModelShape Output => _outputShape is null
        ? ModelShape.Structure(Name + "Response", new Dictionary<string, ModelShape>())
        : _service.Shape(_outputShape);

    /// <summary>The errors the model lists for this operation, as Step Functions names them.</summary>
    public IReadOnlyList<string> ErrorNames { get; }

    /// <inheritdoc />
    public override string ToString() => $"{_service.Name}:{Action}";
}
