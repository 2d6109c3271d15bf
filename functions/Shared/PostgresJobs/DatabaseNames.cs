using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>Rules for database names taken from requests. They are always quoted in SQL; these rules keep them sane.</summary>
public static class DatabaseNames
{
    /// <summary>PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes.</summary>
    public const int MaxBytes = 63;

    /// <summary>Throws <see cref="InvalidInputException"/> naming <paramref name="field"/> unless the name is 1-63 bytes without control characters.</summary>
    public static string Require(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InvalidInputException(field, "must not be empty");
        }

        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            throw new InvalidInputException(field, $"must be at most {MaxBytes} bytes (PostgreSQL would truncate it), was {Encoding.UTF8.GetByteCount(name)}");
        }

        if (name.Any(char.IsControl))
        {
            throw new InvalidInputException(field, "must not contain control characters");
        }

        return name;
    }
}
