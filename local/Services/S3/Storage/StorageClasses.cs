using DisasterRecovery.LocalS3.Http;

namespace DisasterRecovery.LocalS3.Storage;

/// <summary>
/// S3's storage classes as the wire names them (botocore's <c>StorageClass</c> enum), which of them a general
/// purpose bucket accepts, which are archived (GET refused until restored), and the lifecycle waterfall order.
/// </summary>
internal static class StorageClasses
{
    public const string Standard = "STANDARD";
    public const string ReducedRedundancy = "REDUCED_REDUNDANCY";
    public const string StandardIa = "STANDARD_IA";
    public const string OneZoneIa = "ONEZONE_IA";
    public const string IntelligentTiering = "INTELLIGENT_TIERING";
    public const string GlacierInstantRetrieval = "GLACIER_IR";
    public const string Glacier = "GLACIER";
    public const string DeepArchive = "DEEP_ARCHIVE";

    /// <summary>
    /// The classes a general purpose bucket stores. The model's other values (OUTPOSTS, SNOW, EXPRESS_ONEZONE,
    /// FSX_OPENZFS, FSX_ONTAP) belong to other kinds of buckets and are refused with InvalidStorageClass, as S3 does.
    /// </summary>
    private static readonly HashSet<string> Accepted = new(StringComparer.Ordinal)
    {
        Standard, ReducedRedundancy, StandardIa, OneZoneIa, IntelligentTiering, GlacierInstantRetrieval, Glacier, DeepArchive,
    };

    /// <summary>The classes a lifecycle Transition may name (botocore's <c>TransitionStorageClass</c>).</summary>
    private static readonly HashSet<string> TransitionTargets = new(StringComparer.Ordinal)
    {
        Glacier, StandardIa, OneZoneIa, IntelligentTiering, DeepArchive, GlacierInstantRetrieval,
    };

    /// <summary>
    /// The lifecycle waterfall: a transition only ever goes to a class further down this list (S3 User Guide,
    /// "Supported lifecycle transitions"), with one exception handled in <see cref="CanTransition"/>.
    /// </summary>
    private static readonly string[] Waterfall =
    [
        Standard, StandardIa, IntelligentTiering, OneZoneIa, GlacierInstantRetrieval, Glacier, DeepArchive,
    ];

    /// <summary>The x-amz-storage-class of a write: null when absent, else an accepted class, else InvalidStorageClass.</summary>
    public static string? ParseHeader(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        return Accepted.Contains(trimmed)
            ? trimmed
            : throw new S3Exception(S3Errors.InvalidStorageClass).WithDetail("StorageClassRequested", trimmed);
    }

    /// <summary>What S3 reports for a stored class: STANDARD when none was given.</summary>
    public static string Reported(string? stored) => stored ?? Standard;

    /// <summary>
    /// Glacier Flexible Retrieval and Deep Archive: their bytes cannot be read (GET, ranged GET, copy source) until
    /// restored. Glacier Instant Retrieval, the IA classes and Intelligent-Tiering's instant tiers read normally.
    /// </summary>
    public static bool IsArchived(string? stored) => stored is Glacier or DeepArchive;

    public static bool IsTransitionTarget(string value) => TransitionTargets.Contains(value);

    /// <summary>
    /// Whether lifecycle may move an object from <paramref name="from"/> to <paramref name="to"/>: only down the
    /// waterfall, never from One Zone-IA to Glacier Instant Retrieval, and nothing leaves REDUCED_REDUNDANCY but
    /// the way STANDARD does.
    /// </summary>
    public static bool CanTransition(string? from, string to)
    {
        var source = Reported(from) == ReducedRedundancy ? Standard : Reported(from);
        if (source == OneZoneIa && to == GlacierInstantRetrieval)
        {
            return false;
        }

        var fromIndex = Array.IndexOf(Waterfall, source);
        var toIndex = Array.IndexOf(Waterfall, to);
        return fromIndex >= 0 && toIndex > fromIndex;
    }

    /// <summary>How far down the waterfall a class is: when several transitions are due, the coldest wins.</summary>
    public static int Coldness(string value) => Array.IndexOf(Waterfall, value);
}
