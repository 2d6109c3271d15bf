using System.Text;
using System.Text.RegularExpressions;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>One step of a JSONPath: a field name, or a list index (<c>[0]</c>, <c>[*]</c>).</summary>
internal readonly record struct PathStep(string? Field)
{
    public bool IsIndex => Field is null;

    public override string ToString() => Field ?? "[]";
}

/// <summary>
/// The reference paths of an ASL file (JSONPath query language): what a <c>"x.$"</c> value, a Choice <c>Variable</c>
/// or an <c>InputPath</c> reads. Only plain paths are understood (<c>$.a.b[0]</c>, <c>$['a']</c>); a filter or a
/// recursive descent ends the path there, and context paths (<c>$$.</c>) are not data.
/// </summary>
internal static partial class AslPaths
{
    /// <summary>The steps of a data path, or null for a context path (<c>$$.Execution.Name</c>) or anything that is not a path.</summary>
    public static IReadOnlyList<PathStep>? Parse(string path)
    {
        if (!path.StartsWith('$') || path.StartsWith("$$", StringComparison.Ordinal))
        {
            return null;
        }

        var steps = new List<PathStep>();
        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not ('.' or '['))
                {
                    end++;
                }

                if (end == i + 1)
                {
                    // "$..x": recursive descent matches anything below; judge no further.
                    return steps;
                }

                steps.Add(new PathStep(path[(i + 1)..end]));
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return steps;
                }

                var inside = path[(i + 1)..end].Trim();
                if (inside.Length >= 2 && inside[0] is '\'' or '"' && inside[^1] == inside[0])
                {
                    steps.Add(new PathStep(inside[1..^1]));
                }
                else if (inside == "*" || int.TryParse(inside, out _) || inside.Contains(':', StringComparison.Ordinal))
                {
                    steps.Add(new PathStep(null));
                }
                else
                {
                    // A filter ([?(...)]) or an index list: the rest cannot be followed by shape.
                    return steps;
                }

                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return steps;
    }

    /// <summary>
    /// The data paths a <c>"x.$"</c> value reads: the value itself when it is a path, every <c>$</c> argument (at any
    /// depth) when it is an intrinsic function. String literals inside an intrinsic are not paths.
    /// </summary>
    public static IEnumerable<string> ReferencesIn(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith("$", StringComparison.Ordinal))
        {
            if (!trimmed.StartsWith("$$", StringComparison.Ordinal))
            {
                yield return trimmed;
            }

            yield break;
        }

        if (!trimmed.StartsWith("States.", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match match in PathInIntrinsic().Matches(WithoutStringLiterals(trimmed)))
        {
            yield return match.Value;
        }
    }

    /// <summary>"a.b[0]" for messages.</summary>
    public static string Describe(IEnumerable<PathStep> steps)
    {
        var text = new StringBuilder("$");
        foreach (var step in steps)
        {
            text.Append(step.IsIndex ? "[]" : "." + step.Field);
        }

        return text.ToString();
    }

    /// <summary>True when <paramref name="prefix"/> is <paramref name="path"/> or leads to it.</summary>
    public static bool StartsWith(IReadOnlyList<PathStep> path, IReadOnlyList<PathStep> prefix) =>
        prefix.Count <= path.Count && prefix.Select((step, i) => step == path[i]).All(same => same);

    private static string WithoutStringLiterals(string intrinsic)
    {
        var text = new StringBuilder(intrinsic.Length);
        var inString = false;
        for (var i = 0; i < intrinsic.Length; i++)
        {
            var c = intrinsic[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '\'')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '\'')
            {
                inString = true;
                text.Append("''");
                continue;
            }

            text.Append(c);
        }

        return text.ToString();
    }

    [GeneratedRegex(@"(?<![\$\w])\$(?!\$)(?:\.[^\s,.()\[\]]+|\[[^\]]*\])*", RegexOptions.CultureInvariant)]
    private static partial Regex PathInIntrinsic();
}
