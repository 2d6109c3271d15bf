using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace DisasterRecovery.LocalTemplate;

/// <summary>
/// Turns a CloudFormation YAML document into JSON the way CloudFormation does: short-form intrinsic
/// tags become their long form, plain scalars get their YAML 1.1 type, and what CloudFormation refuses
/// (unknown tags, aliases, hash merges, duplicate keys) is a <see cref="TemplateException"/>.
/// </summary>
/// <remarks>Reads YamlDotNet's parser events, so every problem is reported at its own line.</remarks>
internal sealed partial class YamlTemplateReader
{
    private const string YamlTagPrefix = "tag:yaml.org,2002:";

    /// <summary>Each short-form tag and the long-form key it stands for.</summary>
    private static readonly Dictionary<string, string> ShortForms = new(StringComparer.Ordinal)
    {
        ["!Ref"] = "Ref",
        ["!Condition"] = "Condition",
        ["!GetAtt"] = "Fn::GetAtt",
        ["!Sub"] = "Fn::Sub",
        ["!If"] = "Fn::If",
        ["!Equals"] = "Fn::Equals",
        ["!Not"] = "Fn::Not",
        ["!And"] = "Fn::And",
        ["!Or"] = "Fn::Or",
        ["!Join"] = "Fn::Join",
        ["!Select"] = "Fn::Select",
        ["!Split"] = "Fn::Split",
        ["!FindInMap"] = "Fn::FindInMap",
        ["!Base64"] = "Fn::Base64",
        ["!Cidr"] = "Fn::Cidr",
        ["!GetAZs"] = "Fn::GetAZs",
        ["!ImportValue"] = "Fn::ImportValue",
        ["!Transform"] = "Fn::Transform",
    };

    private readonly string source;
    private readonly IParser parser;
    private readonly Dictionary<JsonObject, Dictionary<string, Mark>> keyPlaces = new(ReferenceEqualityComparer.Instance);

    private YamlTemplateReader(string yaml, string source)
    {
        this.source = source;
        parser = new Parser(new StringReader(yaml));
    }

    /// <summary>The one document in <paramref name="yaml"/> as JSON (null when the text holds no value).</summary>
    /// <param name="yaml">The template's text.</param>
    /// <param name="source">How errors name the template (its path).</param>
    /// <param name="keyPlace">Where a key of a mapping read from the text starts, for later errors.</param>
    public static JsonNode? Read(string yaml, string source, out Func<JsonObject, string, (int Line, int Column)?> keyPlace)
    {
        var reader = new YamlTemplateReader(yaml, source);
        try
        {
            var root = reader.ReadStream();
            keyPlace = reader.KeyPlace;
            return root;
        }
        catch (YamlException e)
        {
            // YamlDotNet marks where the construct that failed starts and where it found the problem.
            var problem = WithoutPlace(e.Message);
            if (e.End.Line != e.Start.Line)
            {
                problem += $" (found at line {e.End.Line}, column {e.End.Column})";
            }

            throw new TemplateException(source, (int)e.Start.Line, (int)e.Start.Column, problem, e);
        }
        catch (InvalidOperationException e) when (e.Source == typeof(Parser).Assembly.GetName().Name)
        {
            // YamlDotNet's scanner fails this way on some broken input (e.g. a flow sequence left open):
            // report the last place it read well.
            var last = reader.parser.Current?.End ?? Mark.Empty;
            throw new TemplateException(source, (int)last.Line, (int)last.Column,
                $"the YAML cannot be read past this point (is a [ or {{ left open?): {e.Message}", e);
        }
    }

    private JsonNode? ReadStream()
    {
        parser.Consume<StreamStart>();
        if (parser.Current is StreamEnd)
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        var root = ReadNode();
        parser.Consume<DocumentEnd>();
        if (parser.Current is DocumentStart second)
        {
            throw Problem(second.Start, "a template holds one YAML document; a second one starts here");
        }

        parser.Consume<StreamEnd>();
        return root;
    }

    private JsonNode? ReadNode()
    {
        switch (parser.Current)
        {
            case AnchorAlias alias:
                throw Problem(alias.Start, $"the alias *{alias.Value} is not supported: CloudFormation does not resolve YAML aliases");
            case Scalar scalar:
                parser.MoveNext();
                return ReadScalar(scalar);
            case SequenceStart start:
                parser.MoveNext();
                var items = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    items.Add(ReadNode());
                }

                return ApplyTag(start, start.Tag, items);
            case MappingStart start:
                parser.MoveNext();
                return ApplyTag(start, start.Tag, ReadMapping(start));
            default:
                var unexpected = parser.Current;
                throw Problem(unexpected?.Start ?? Mark.Empty, $"unexpected YAML event {unexpected?.GetType().Name}");
        }
    }

    private JsonObject ReadMapping(MappingStart start)
    {
        var mapping = new JsonObject();
        var keyLines = new Dictionary<string, Mark>(StringComparer.Ordinal);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyEvent = parser.Current;
            if (keyEvent is not Scalar key)
            {
                throw Problem(keyEvent?.Start ?? start.Start, "a mapping key must be a scalar");
            }

            if (!key.Tag.IsEmpty && key.Tag.Value != YamlTagPrefix + "str")
            {
                throw Problem(key.Start, $"a mapping key cannot carry the tag {key.Tag.Value}");
            }

            if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
            {
                throw Problem(key.Start, "the merge key << is not supported: CloudFormation does not do YAML hash merges");
            }

            parser.MoveNext();
            if (keyLines.TryGetValue(key.Value, out var first))
            {
                throw Problem(key.Start, $"duplicate key '{key.Value}' (first at line {first.Line})");
            }

            keyLines.Add(key.Value, key.Start);
            mapping[key.Value] = ReadNode();
        }

        keyPlaces.Add(mapping, keyLines);
        return mapping;
    }

    private JsonNode? ReadScalar(Scalar scalar)
    {
        var tag = scalar.Tag;
        if (tag.IsEmpty)
        {
            return scalar.Style == ScalarStyle.Plain ? Yaml11Scalars.Resolve(scalar.Value) : JsonValue.Create(scalar.Value);
        }

        if (tag.IsNonSpecific)
        {
            // "! value": the YAML non-specific tag makes a string.
            return JsonValue.Create(scalar.Value);
        }

        if (ShortForms.TryGetValue(tag.Value, out var longForm))
        {
            // The content of a short form is text, as in CloudFormation: !Ref 123 refers to "123".
            return new JsonObject { [longForm] = ShortFormScalar(scalar, tag.Value) };
        }

        switch (tag.Value)
        {
            case YamlTagPrefix + "str":
                return JsonValue.Create(scalar.Value);
            case YamlTagPrefix + "null":
                return Yaml11Scalars.IsNull(scalar.Value)
                    ? null
                    : throw Problem(scalar.Start, $"'{scalar.Value}' is not a YAML null");
            case YamlTagPrefix + "bool":
                return Yaml11Scalars.TryBoolean(scalar.Value, out var boolean)
                    ? JsonValue.Create(boolean)
                    : throw Problem(scalar.Start, $"'{scalar.Value}' is not a YAML boolean");
            case YamlTagPrefix + "int":
                return Yaml11Scalars.TryInteger(scalar.Value, out var integer)
                    ? integer
                    : throw Problem(scalar.Start, $"'{scalar.Value}' is not a YAML integer");
            case YamlTagPrefix + "float":
                return Yaml11Scalars.TryFloat(scalar.Value, out var number) || Yaml11Scalars.TryInteger(scalar.Value, out number)
                    ? number
                    : throw Problem(scalar.Start, $"'{scalar.Value}' is not a YAML float that JSON can hold");
            default:
                throw UnknownTag(scalar, tag.Value, "a scalar");
        }
    }

    private JsonNode ShortFormScalar(Scalar scalar, string tag)
    {
        if (tag != "!GetAtt")
        {
            return JsonValue.Create(scalar.Value);
        }

        // !GetAtt Resource.Attribute splits on the first dot only: attributes may contain dots (Endpoint.Address).
        var dot = scalar.Value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == scalar.Value.Length - 1)
        {
            throw Problem(scalar.Start, $"!GetAtt '{scalar.Value}' must be LogicalId.AttributeName");
        }

        return new JsonArray(scalar.Value[..dot], scalar.Value[(dot + 1)..]);
    }

    private JsonNode ApplyTag(NodeEvent node, TagName tag, JsonNode collection)
    {
        if (tag.IsEmpty || tag.IsNonSpecific)
        {
            return collection;
        }

        if (ShortForms.TryGetValue(tag.Value, out var longForm))
        {
            return new JsonObject { [longForm] = collection };
        }

        var expected = collection is JsonArray ? YamlTagPrefix + "seq" : YamlTagPrefix + "map";
        return tag.Value == expected ? collection : throw UnknownTag(node, tag.Value, collection is JsonArray ? "a sequence" : "a mapping");
    }

    private TemplateException UnknownTag(ParsingEvent node, string tag, string what)
    {
        if (tag.StartsWith(YamlTagPrefix, StringComparison.Ordinal))
        {
            var name = "!!" + tag[YamlTagPrefix.Length..];
            return Problem(node.Start, $"the YAML tag {name} is not supported on {what} (CloudFormation has no binary, omap, pairs, set or timestamp types)");
        }

        return Problem(node.Start, $"unknown tag {tag}: not a CloudFormation intrinsic function (known: {string.Join(", ", ShortForms.Keys)})");
    }

    private (int Line, int Column)? KeyPlace(JsonObject mapping, string key) =>
        keyPlaces.TryGetValue(mapping, out var keys) && keys.TryGetValue(key, out var mark) ? ((int)mark.Line, (int)mark.Column) : null;

    private TemplateException Problem(Mark at, string problem) => new(source, (int)at.Line, (int)at.Column, problem);

    /// <summary>YamlDotNet puts "(Line: 3, Col: 5, Idx: 20) - (Line: ...): " before its messages; the exception already says where.</summary>
    private static string WithoutPlace(string message) => YamlPlacePrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.CultureInvariant)]
    private static partial Regex YamlPlacePrefix();
}
