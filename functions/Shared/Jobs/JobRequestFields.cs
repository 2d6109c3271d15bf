using DisasterRecovery.Catalog;
using DisasterRecovery.Core;

namespace DisasterRecovery.Jobs;

/// <summary>The fields every job request shares, checked one way: source, backupId, workers, requestedBy.</summary>
public static class JobRequestFields
{
    /// <summary>Throws <see cref="InvalidInputException"/> naming the first bad field; null fields are defaults and pass.</summary>
    public static void Validate(string? source, string? backupId, int? workers, string? requestedBy)
    {
        if (source is not null)
        {
            BackupKeys.ValidateSource(source, "source");
        }

        _ = BackupIdOf(backupId);

        if (workers is { } count)
        {
            Require.InRange(count, 1, 8, "workers");
        }

        if (requestedBy is not null)
        {
            Require.NotBlank(requestedBy, "requestedBy");
        }
    }

    /// <summary>
    /// The request's <c>backupId</c> as the typed id the catalog takes (null when absent): the one place a request's id
    /// text is parsed. <see cref="InvalidInputException"/> naming <c>backupId</c> when it is not an id.
    /// </summary>
    public static BackupId? BackupIdOf(string? backupId) => backupId is null ? null : BackupId.Parse(backupId, "backupId");
}
