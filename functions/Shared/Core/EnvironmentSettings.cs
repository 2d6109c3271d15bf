namespace DisasterRecovery.Core;

/// <summary>Reads a function's configuration from its environment; a missing or bad value names the variable.</summary>
public sealed class EnvironmentSettings(IReadOnlyDictionary<string, string> environment)
{
    /// <summary>The variable's value.</summary>
    /// <exception cref="FunctionConfigurationException">Unset or blank, with <paramref name="meaning"/> in the message.</exception>
    public string Required(string name, string meaning) =>
        environment.GetValueOrDefault(name) is { } value && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new FunctionConfigurationException($"{name} is not set: {meaning}");

    /// <summary>The variable's value, or <paramref name="fallback"/> when unset or blank.</summary>
    public string Optional(string name, string fallback) =>
        environment.GetValueOrDefault(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : fallback;

    /// <summary>The variable's value, or null when unset or blank.</summary>
    public string? Optional(string name) =>
        environment.GetValueOrDefault(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>An integer variable within [min, max], or <paramref name="fallback"/> when unset.</summary>
    public int Integer(string name, int fallback, int min, int max)
    {
        if (Optional(name) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max
            ? value
            : throw new FunctionConfigurationException($"{name} must be an integer from {min} to {max}, was '{text}'");
    }
}
