using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Json;

namespace DisasterRecovery.LocalStepFunctions.Paths;

/// <summary>
/// A JSONPath as Step Functions accepts it (Jayway dialect): <c>$</c> or the context root <c>$$</c>, dot and
/// bracket member access, array indexes (negative counts from the end, as Jayway does), <c>[*]</c> and <c>.*</c>,
/// slices <c>[start:end:step]</c>, unions <c>[0,2]</c> / <c>['a','b']</c>, deep scan <c>..</c> and filters
/// <c>[?(@.x &gt;= 1 &amp;&amp; @.y == 'a')]</c>.
/// A definite path (fields and indexes only) selects one node; any other path selects a list (a JSON array),
/// which is how AWS turns <c>$.a[0:2]</c> into <c>[1,2]</c>.
/// </summary>
public sealed class JsonPathExpression
{
    private JsonPathExpression(string text, bool isContextPath, IReadOnlyList<PathSegment> segments)
    {
        Text = text;
        IsContextPath = isContextPath;
        Segments = segments;
        IsDefinite = segments.All(s => s.IsDefinite);
    }

    /// <summary>The root path <c>$</c>, the default for InputPath, OutputPath and ResultPath.</summary>
    public static JsonPathExpression Root { get; } = new("$", false, []);

    /// <summary>The path as written in the definition.</summary>
    public string Text { get; }

    /// <summary>True for <c>$$…</c> paths, which read the context object instead of the state input.</summary>
    public bool IsContextPath { get; }

    /// <summary>True when the path can only ever select a single node.</summary>
    public bool IsDefinite { get; }

    /// <summary>True for the whole-document path <c>$</c> (or <c>$$</c>).</summary>
    public bool IsRoot => Segments.Count == 0;

    /// <summary>A reference path: definite, with non-negative array indexes only.</summary>
    public bool IsReferencePath =>
        IsDefinite && Segments.All(s => s is FieldSegment || s is IndexSegment { Index: >= 0 });

    internal IReadOnlyList<PathSegment> Segments { get; }

    /// <summary>Jayway canonical text, e.g. <c>$['detail']['items'][0]</c>, as AWS prints in error causes.</summary>
    public string Canonical => (IsContextPath ? "$$" : "$") + string.Concat(Segments.Select(s => s.Canonical));

    /// <summary>Parses a path; throws <see cref="FormatException"/> naming the problem.</summary>
    public static JsonPathExpression Parse(string text) => new(text, text.StartsWith("$$", StringComparison.Ordinal),
        PathParser.Parse(text));

    /// <summary>Parses a path without throwing.</summary>
    public static bool TryParse(string text, out JsonPathExpression? path, out string? error)
    {
        try
        {
            path = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            path = null;
            error = ex.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// Selects from <paramref name="root"/>. A definite path returns false when nothing is there; an
    /// indefinite path always succeeds with a (possibly empty) array. The result is a detached copy.
    /// </summary>
    internal bool TrySelect(JsonNode? root, out JsonNode? result)
    {
        var matches = Evaluate(root);
        if (IsDefinite)
        {
            if (matches.Count == 0)
            {
                result = null;
                return false;
            }

            result = JsonValues.Clone(matches[0]);
            return true;
        }

        var array = new JsonArray();
        foreach (var match in matches)
        {
            array.Add(JsonValues.Clone(match));
        }

        result = array;
        return true;
    }

    /// <summary>All matched nodes, in document order (not copied: callers must clone before re-parenting).</summary>
    internal List<JsonNode?> Evaluate(JsonNode? root) => Evaluate(root, root);

    internal List<JsonNode?> Evaluate(JsonNode? start, JsonNode? documentRoot)
    {
        var current = new List<JsonNode?> { start };
        foreach (var segment in Segments)
        {
            var next = new List<JsonNode?>();
            foreach (var node in current)
            {
                Apply(segment, node, documentRoot, next);
            }

            current = next;
            if (current.Count == 0)
            {
                break;
            }
        }

        return current;
    }

    private static void Apply(PathSegment segment, JsonNode? node, JsonNode? documentRoot, List<JsonNode?> output)
    {
        switch (segment)
        {
            case FieldSegment field:
                if (node is JsonObject obj && obj.TryGetPropertyValue(field.Name, out var child))
                {
                    output.Add(child);
                }

                break;
            case IndexSegment index:
                if (node is JsonArray arr)
                {
                    var i = index.Index < 0 ? arr.Count + index.Index : index.Index;
                    if (i >= 0 && i < arr.Count)
                    {
                        output.Add(arr[i]);
                    }
                }

                break;
            case WildcardSegment:
                if (node is JsonObject wildObj)
                {
                    output.AddRange(wildObj.Select(p => p.Value));
                }
                else if (node is JsonArray wildArr)
                {
                    output.AddRange(wildArr);
                }

                break;
            case SliceSegment slice:
                if (node is JsonArray sliceArr)
                {
                    ApplySlice(slice, sliceArr, output);
                }

                break;
            case UnionSegment union:
                foreach (var member in union.Members)
                {
                    Apply(member, node, documentRoot, output);
                }

                break;
            case FilterSegment filter:
                if (node is JsonArray filterArr)
                {
                    output.AddRange(filterArr.Where(item => filter.Filter.Matches(item, documentRoot)));
                }
                else if (node is JsonObject && filter.Filter.Matches(node, documentRoot))
                {
                    // Jayway applies a filter on an object to the object itself.
                    output.Add(node);
                }

                break;
            case DeepScanSegment deep:
                foreach (var descendant in Descendants(node))
                {
                    Apply(deep.Inner, descendant, documentRoot, output);
                }

                break;
        }
    }

    private static void ApplySlice(SliceSegment slice, JsonArray array, List<JsonNode?> output)
    {
        var count = array.Count;
        var step = slice.Step ?? 1;
        if (step == 0)
        {
            return;
        }

        static int Normalize(int value, int count) => value < 0 ? Math.Max(0, count + value) : Math.Min(value, count);

        if (step > 0)
        {
            var start = Normalize(slice.Start ?? 0, count);
            var end = Normalize(slice.End ?? count, count);
            for (var i = start; i < end; i += step)
            {
                output.Add(array[i]);
            }
        }
        else
        {
            var start = slice.Start is { } s ? (s < 0 ? count + s : Math.Min(s, count - 1)) : count - 1;
            var end = slice.End is { } e ? (e < 0 ? count + e : e) : -1;
            for (var i = start; i > end && i >= 0; i += step)
            {
                output.Add(array[i]);
            }
        }
    }

    private static IEnumerable<JsonNode?> Descendants(JsonNode? node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray arr => arr,
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
