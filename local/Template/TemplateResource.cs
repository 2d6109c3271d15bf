using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalTemplate;

/// <summary>One entry of a template's <c>Resources</c> section.</summary>
/// <param name="LogicalId">The resource's key in <c>Resources</c>.</param>
/// <param name="Type">Its <c>Type</c>, e.g. <c>AWS::Serverless::Function</c>.</param>
/// <param name="Properties">Its <c>Properties</c> (the node inside <see cref="SamTemplate.Document"/>; empty when absent).</param>
/// <param name="Metadata">Its <c>Metadata</c>, when present.</param>
/// <param name="Condition">The name of its <c>Condition</c>, when present.</param>
public sealed record TemplateResource(string LogicalId, string Type, JsonObject Properties, JsonObject? Metadata, string? Condition);
