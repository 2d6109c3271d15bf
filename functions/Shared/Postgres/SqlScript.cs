using System.Text;
using System.Text.RegularExpressions;

namespace DisasterRecovery.Postgres;

/// <summary>One archive entry of a pg_dump plain script: the object it creates and its statements.</summary>
internal sealed record ScriptEntry(string Name, string Type, string Schema, string Body);

/// <summary>
/// A pg_dump plain-format script cut into its entries by the comment pg_dump writes before each one
/// (<c>-- Name: x; Type: INDEX; Schema: s; Owner: o</c>). The preamble is the session setup
/// (SET ...) every connection that runs entries must run first; psql-only <c>\restrict</c> lines are dropped.
/// </summary>
internal sealed partial class SqlScript
{
    private SqlScript(string preamble, IReadOnlyList<ScriptEntry> entries)
    {
        Preamble = preamble;
        Entries = entries;
    }

    public string Preamble { get; }

    public IReadOnlyList<ScriptEntry> Entries { get; }

    public static SqlScript Parse(string text)
    {
        var headers = EntryHeader().Matches(text);
        var footer = text.IndexOf("\n--\n-- PostgreSQL database dump complete", StringComparison.Ordinal);
        var end = footer < 0 ? text.Length : footer;
        var preamble = WithoutMetaCommands(headers.Count == 0 ? text[..end] : text[..headers[0].Index]);
        var entries = new List<ScriptEntry>();
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            var bodyStart = header.Index + header.Length;
            var bodyEnd = i + 1 < headers.Count ? headers[i + 1].Index : Math.Max(bodyStart, end);
            entries.Add(new ScriptEntry(
                header.Groups["name"].Value,
                header.Groups["type"].Value,
                header.Groups["schema"].Value,
                WithoutMetaCommands(text[bodyStart..bodyEnd]).Trim()));
        }

        return new SqlScript(preamble, entries);
    }

    /// <summary>The preamble then the bodies, as one script for psql.</summary>
    public static string Join(string preamble, IEnumerable<ScriptEntry> entries)
    {
        var script = new StringBuilder(preamble).Append('\n');
        foreach (var entry in entries)
        {
            script.Append("\n-- ").Append(entry.Type).Append(' ').Append(entry.Name).Append('\n').Append(entry.Body).Append('\n');
        }

        return script.ToString();
    }

    private static string WithoutMetaCommands(string text) => MetaCommand().Replace(text, string.Empty);

    [GeneratedRegex(@"^--\n-- (?:Data for )?Name: (?<name>.*?); Type: (?<type>[A-Z ]+); Schema: (?<schema>.*?); Owner: [^\n]*\n--\n",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex EntryHeader();

    [GeneratedRegex(@"^\\(?:restrict|unrestrict) [^\n]*\n?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCommand();
}
