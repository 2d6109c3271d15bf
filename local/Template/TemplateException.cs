namespace DisasterRecovery.LocalTemplate;

/// <summary>
/// A template that cannot be read: bad YAML, a tag CloudFormation does not know, or a section of the
/// wrong shape. The message names the file, the line and the problem.
/// </summary>
public sealed class TemplateException : Exception
{
    /// <summary>A problem at a place in a template (line and column are 1-based).</summary>
    public TemplateException(string source, int line, int column, string problem, Exception? innerException = null)
        : base($"{source}, line {line}, column {column}: {problem}", innerException)
    {
        TemplatePath = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>A problem with a template as a whole (e.g. the file does not exist).</summary>
    public TemplateException(string source, string problem, Exception? innerException = null)
        : base($"{source}: {problem}", innerException)
    {
        TemplatePath = source;
        Problem = problem;
    }

    /// <summary>The template file's path, or <see cref="SamTemplate.InlineSource"/> for parsed text.</summary>
    public string TemplatePath { get; }

    /// <summary>The 1-based line of the problem, when it has one.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column of the problem, when it has one.</summary>
    public int? Column { get; }

    /// <summary>The problem alone, without the place.</summary>
    public string Problem { get; }
}
