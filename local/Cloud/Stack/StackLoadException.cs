namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>
/// The template cannot be run locally as written. The message always names the resource and the property
/// (e.g. <c>ServiceHealthStateMachine: DefinitionSubstitutions.HealthCheckFunctionArn: …</c>).
/// </summary>
public sealed class StackLoadException(string message, Exception? inner = null) : Exception(message, inner);
