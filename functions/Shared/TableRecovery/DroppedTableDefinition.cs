using System.Text;
using System.Text.RegularExpressions;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// A dropped table's definition, exactly as pg_dump writes it from the recovered instance: <c>pg_dump --schema-only
/// --section=pre-data -t "schema"."name"</c> (the table with its columns, types, defaults, CHECK and NOT NULL constraints,
/// owned serial/identity sequences, comments, owner and grants) and <c>--section=post-data</c> (primary and unique keys,
/// indexes, foreign keys, triggers, rules, policies). The scripts run through Npgsql inside production's transaction — not
/// through psql, whose own session could not share it — pre-data before the rows are copied, post-data after (as
/// pg_restore orders them: indexes are built once, foreign keys validated once).
/// </summary>
internal sealed partial class DroppedTableDefinition
{
    private DroppedTableDefinition(string preData, string postData)
    {
        PreData = preData;
        PostData = postData;
    }

    /// <summary>Statements that create the table, ready for Npgsql (psql meta-commands and the client_encoding setting removed).</summary>
    public string PreData { get; }

    /// <summary>Statements that add its keys, indexes, foreign keys and triggers.</summary>
    public string PostData { get; }

    /// <summary>Runs pg_dump twice against the recovered instance; <see cref="DisasterRecovery.Core.PostgresToolException"/> when it fails.</summary>
    public static async Task<DroppedTableDefinition> ReadAsync(PostgresTools tools, PostgresEndpoint source, TableName table,
        CancellationToken cancellationToken)
    {
        var preData = await DumpAsync(tools, source, table, "pre-data", cancellationToken).ConfigureAwait(false);
        var postData = await DumpAsync(tools, source, table, "post-data", cancellationToken).ConfigureAwait(false);
        return new DroppedTableDefinition(ForNpgsql(preData), ForNpgsql(postData));
    }

    /// <summary>
    /// A pg_dump script as statements Npgsql can run: psql's <c>\restrict</c>/<c>\unrestrict</c> lines dropped, and the
    /// <c>SET client_encoding</c> line too (Npgsql's connection stays UTF-8; the dump is asked for in UTF-8).
    /// </summary>
    internal static string ForNpgsql(string script) => ClientEncoding().Replace(MetaCommand().Replace(script, string.Empty), string.Empty);

    private static async Task<string> DumpAsync(PostgresTools tools, PostgresEndpoint source, TableName table, string section,
        CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "--schema-only", $"--section={section}", "--encoding=UTF8", "--no-password", "--strict-names",
            "--table", table.ExactPattern,
        ];
        await using var process = tools.Start("pg_dump", arguments, source.ToolEnvironment(), redirectInput: false);
        using var output = new StreamReader(process.Output, Encoding.UTF8);
        var script = await output.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        return script;
    }

    // Only the meta-commands pg_dump writes: a line of a multi-line string literal may start with a backslash too.
    [GeneratedRegex(@"^\\(?:restrict|unrestrict) [^\n]*\n?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCommand();

    [GeneratedRegex(@"^SET client_encoding = [^\n]*\n?", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ClientEncoding();
}
