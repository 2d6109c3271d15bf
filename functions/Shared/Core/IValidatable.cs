namespace DisasterRecovery.Core;

/// <summary>
/// An input record that can check itself. The Lambda host calls <see cref="Validate"/> right after
/// parsing, so a handler only ever sees input that passed.
/// </summary>
public interface IValidatable
{
    /// <summary>Throws <see cref="InvalidInputException"/> naming the first bad field.</summary>
    void Validate();
}
