namespace DisasterRecovery.Core;

/// <summary>
/// Guard clauses for input records. Each throws <see cref="InvalidInputException"/> naming the
/// field, so every function rejects bad input with the same shape of message.
/// </summary>
public static class Require
{
    public static string NotBlank(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidInputException(field, "is required and must not be empty");
        }

        return value;
    }

    public static double InRange(double value, double min, double max, string field)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            throw new InvalidInputException(field, $"must be between {min} and {max}, was {value}");
        }

        return value;
    }

    public static int InRange(int value, int min, int max, string field)
    {
        if (value < min || value > max)
        {
            throw new InvalidInputException(field, $"must be between {min} and {max}, was {value}");
        }

        return value;
    }

    /// <summary>An absolute http or https URL.</summary>
    public static Uri HttpUrl(string? value, string field)
    {
        NotBlank(value, field);
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            throw new InvalidInputException(field, $"is not an absolute URL: '{Logging.SecretRedactor.Redact(value!)}'");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidInputException(field, $"must use http or https, not '{uri.Scheme}'");
        }

        return uri;
    }
}
