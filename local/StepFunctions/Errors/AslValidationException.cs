namespace DisasterRecovery.LocalStepFunctions.Errors;

/// <summary>One problem found while parsing a definition; it names the state and the field.</summary>
/// <param name="Location">JSON-pointer-like location, e.g. <c>/States/Restore Snapshot/Next</c>.</param>
/// <param name="StateName">The offending state, or null for machine-level problems.</param>
/// <param name="Field">The offending field, e.g. <c>Next</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record ValidationError(string Location, string? StateName, string? Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>Thrown when a definition is not valid ASL; carries every problem found, not just the first.</summary>
public sealed class AslValidationException(IReadOnlyList<ValidationError> errors)
    : Exception("Invalid state machine definition:" + Environment.NewLine +
                string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    /// <summary>All validation problems, in document order.</summary>
    public IReadOnlyList<ValidationError> Errors { get; } = errors;
}
