using System.Collections.ObjectModel;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalTemplate;

/// <summary>
/// A SAM template read into JSON, the one reader of <c>template.yaml</c> for the deployment tests and
/// the local cloud. Short-form intrinsics (<c>!Ref X</c>, <c>!GetAtt A.B</c>, <c>!Sub</c>, ...) are in
/// their long form (<c>{"Ref": "X"}</c>, <c>{"Fn::GetAtt": ["A", "B"]}</c>, ...), and plain scalars have
/// the JSON type CloudFormation gives them (YAML 1.1: see <see cref="Yaml11Scalars"/>).
/// </summary>
public sealed class SamTemplate
{
    /// <summary>How errors name a template given as text to <see cref="Parse(string, string)"/>.</summary>
    public const string InlineSource = "(inline template)";

    private SamTemplate(JsonObject document, string directory, IReadOnlyDictionary<string, TemplateResource> resources)
    {
        Document = document;
        Directory = directory;
        Resources = resources;
        Parameters = Section(document, "Parameters");
        Globals = Section(document, "Globals");
        Conditions = Section(document, "Conditions");
        Outputs = Section(document, "Outputs");
    }

    /// <summary>The whole template as JSON, short-form intrinsics turned into long form.</summary>
    public JsonObject Document { get; }

    /// <summary>The full path of the folder the template lives in: <c>CodeUri</c> and <c>DefinitionUri</c> are relative to it.</summary>
    public string Directory { get; }

    /// <summary>The <c>Resources</c> section, in template order.</summary>
    public IReadOnlyDictionary<string, TemplateResource> Resources { get; }

    /// <summary>The <c>Parameters</c> section (empty, and not part of <see cref="Document"/>, when absent).</summary>
    public JsonObject Parameters { get; }

    /// <summary>The <c>Globals</c> section (empty, and not part of <see cref="Document"/>, when absent).</summary>
    public JsonObject Globals { get; }

    /// <summary>The <c>Conditions</c> section (empty, and not part of <see cref="Document"/>, when absent).</summary>
    public JsonObject Conditions { get; }

    /// <summary>The <c>Outputs</c> section (empty, and not part of <see cref="Document"/>, when absent).</summary>
    public JsonObject Outputs { get; }

    /// <summary>Reads a template file.</summary>
    /// <exception cref="TemplateException">The file cannot be read, is not YAML, or is not a template.</exception>
    public static SamTemplate Load(string templatePath)
    {
        var fullPath = Path.GetFullPath(templatePath);
        string yaml;
        try
        {
            yaml = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TemplateException(fullPath, $"cannot read the template: {e.Message}", e);
        }

        return Parse(yaml, Path.GetDirectoryName(fullPath)!, fullPath);
    }

    /// <summary>Reads a template from its text.</summary>
    /// <param name="yaml">The template's YAML.</param>
    /// <param name="directory">The folder relative paths in it (CodeUri, DefinitionUri) start from.</param>
    /// <exception cref="TemplateException">The text is not YAML, or is not a template.</exception>
    public static SamTemplate Parse(string yaml, string directory) => Parse(yaml, directory, InlineSource);

    private static SamTemplate Parse(string yaml, string directory, string source)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(directory);
        var root = YamlTemplateReader.Read(yaml, source, out var keyPlace);
        if (root is not JsonObject document)
        {
            throw new TemplateException(source, "a template is a YAML mapping of sections (Resources, Parameters, ...)");
        }

        TemplateException Problem(JsonObject mapping, string key, string problem) =>
            keyPlace(mapping, key) is { } place
                ? new TemplateException(source, place.Line, place.Column, problem)
                : new TemplateException(source, problem);

        foreach (var section in new[] { "Parameters", "Globals", "Conditions", "Outputs", "Mappings", "Metadata" })
        {
            if (document.ContainsKey(section) && document[section] is not JsonObject)
            {
                throw Problem(document, section, $"the {section} section must be a mapping");
            }
        }

        if (document["Resources"] is not JsonObject resourcesSection)
        {
            throw document.ContainsKey("Resources")
                ? Problem(document, "Resources", "the Resources section must be a mapping")
                : new TemplateException(source, "the template has no Resources section");
        }

        var resources = new OrderedDictionary<string, TemplateResource>(StringComparer.Ordinal);
        foreach (var (logicalId, node) in resourcesSection)
        {
            if (node is not JsonObject resource)
            {
                throw Problem(resourcesSection, logicalId, $"resource {logicalId} must be a mapping with a Type");
            }

            if (resource["Type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type) || type.Length == 0)
            {
                throw Problem(resourcesSection, logicalId, $"resource {logicalId} has no Type (a string such as AWS::Serverless::Function)");
            }

            JsonObject properties;
            if (!resource.ContainsKey("Properties"))
            {
                properties = [];
            }
            else
            {
                properties = resource["Properties"] as JsonObject
                    ?? throw Problem(resource, "Properties", $"the Properties of resource {logicalId} must be a mapping");
            }

            JsonObject? metadata = null;
            if (resource.ContainsKey("Metadata"))
            {
                metadata = resource["Metadata"] as JsonObject
                    ?? throw Problem(resource, "Metadata", $"the Metadata of resource {logicalId} must be a mapping");
            }

            string? condition = null;
            if (resource.ContainsKey("Condition"))
            {
                condition = resource["Condition"] is JsonValue conditionValue && conditionValue.TryGetValue<string>(out var name)
                    ? name
                    : throw Problem(resource, "Condition", $"the Condition of resource {logicalId} must be the name of a condition");
            }

            resources.Add(logicalId, new TemplateResource(logicalId, type, properties, metadata, condition));
        }

        return new SamTemplate(document, Path.GetFullPath(directory), new ReadOnlyDictionary<string, TemplateResource>(resources));
    }

    private static JsonObject Section(JsonObject document, string name) => document[name] as JsonObject ?? [];
}
