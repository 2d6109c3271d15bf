using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Emulators.Ecs;

/// <summary>
/// An <c>AWS::ECS::TaskDefinition</c> as the local cloud runs it: each container is the assembly its <c>Command</c>
/// names (<c>/var/task/&lt;Assembly&gt;.dll</c>), started as a local process. The image is not read: locally the
/// function's assembly is already built beside the local cloud.
/// </summary>
/// <param name="LogicalId">The template's logical id.</param>
/// <param name="Family">The Family property, else <c>&lt;stack&gt;-&lt;LogicalId&gt;</c>.</param>
/// <param name="Arn">The local task definition ARN (revision 1).</param>
/// <param name="Cpu">The task's CPU units, as written.</param>
/// <param name="Memory">The task's memory (MiB), as written.</param>
/// <param name="Containers">The container definitions.</param>
public sealed record EcsTaskDefinition(
    string LogicalId, string Family, string Arn, string? Cpu, string? Memory, IReadOnlyList<EcsContainerDefinition> Containers);

/// <param name="Name">The container's name (what ContainerOverrides name).</param>
/// <param name="Assembly">The assembly its Command runs with <c>dotnet</c>, without <c>.dll</c>.</param>
/// <param name="Arguments">The Command's arguments after the assembly (<c>--job</c>).</param>
/// <param name="Environment">Environment, resolved.</param>
/// <param name="SecretNames">The names of its Secrets (their values come from the local Secrets Manager).</param>
public sealed record EcsContainerDefinition(
    string Name, string Assembly, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> SecretNames);

/// <summary>Reads task definitions out of the template for the stack loader.</summary>
public static class EcsTemplateResources
{
    public const string ClusterType = "AWS::ECS::Cluster";
    public const string TaskDefinitionType = "AWS::ECS::TaskDefinition";

    /// <summary>The local ARN of a task definition family (every local task definition is revision 1).</summary>
    public static string TaskDefinitionArn(string region, string accountId, string family) =>
        $"arn:aws:ecs:{region}:{accountId}:task-definition/{family}:1";

    /// <summary>The local ARN of a cluster.</summary>
    public static string ClusterArn(string region, string accountId, string name) => $"arn:aws:ecs:{region}:{accountId}:cluster/{name}";

    /// <summary>Reads one task definition; <paramref name="resolve"/> resolves an intrinsic to a string, naming where.</summary>
    /// <exception cref="ArgumentException">A container the local cloud cannot run, naming the property.</exception>
    public static EcsTaskDefinition Load(
        string logicalId, JsonObject properties, string family, string arn, Func<JsonNode?, string, string> resolve)
    {
        var containers = new List<EcsContainerDefinition>();
        var list = properties["ContainerDefinitions"] as JsonArray
            ?? throw new ArgumentException($"{logicalId}: ContainerDefinitions must be a list of containers");
        for (var i = 0; i < list.Count; i++)
        {
            var where = $"{logicalId}: ContainerDefinitions[{i}]";
            var container = list[i] as JsonObject ?? throw new ArgumentException($"{where} must be a mapping");
            var name = resolve(container["Name"], $"{where}.Name");
            var command = (container["Command"] as JsonArray ?? [])
                .Select((part, n) => resolve(part, $"{where}.Command[{n}]")).ToList();
            var assemblyAt = command.FindIndex(part => part.EndsWith(".dll", StringComparison.Ordinal));
            if (assemblyAt < 0)
            {
                throw new ArgumentException(
                    $"{where}.Command must name the function's assembly (/var/task/<Function>.dll): the local cloud runs it with dotnet");
            }

            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (variable, n) in (container["Environment"] as JsonArray ?? []).Select((v, n) => (v as JsonObject, n)))
            {
                environment[resolve(variable?["Name"], $"{where}.Environment[{n}].Name")] = resolve(variable?["Value"], $"{where}.Environment[{n}].Value");
            }

            var secrets = (container["Secrets"] as JsonArray ?? [])
                .Select((secret, n) => resolve((secret as JsonObject)?["Name"], $"{where}.Secrets[{n}].Name")).ToList();
            containers.Add(new EcsContainerDefinition(
                name, Path.GetFileNameWithoutExtension(command[assemblyAt].Replace('\\', '/')), command[(assemblyAt + 1)..], environment, secrets));
        }

        string? Optional(string property) => properties[property] is { } node ? resolve(node, $"{logicalId}: {property}") : null;
        return new EcsTaskDefinition(logicalId, family, arn, Optional("Cpu"), Optional("Memory"), containers);
    }
}
