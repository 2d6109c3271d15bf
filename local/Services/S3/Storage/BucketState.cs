namespace DisasterRecovery.LocalS3.Storage;

/// <summary>
/// The in-memory index of one bucket, rebuilt from disk at start: every key's versions (newest first)
/// and the keys in S3 order for listings. All reads and writes of the index hold <see cref="Gate"/>;
/// only short metadata work (renames, small JSON files) happens under it, never body transfers.
/// </summary>
internal sealed class BucketState
{
    public BucketState(string directory, BucketRecord record)
    {
        Directory = directory;
        Record = record;
    }

    public string Directory { get; }

    public string ObjectsDirectory => Path.Combine(Directory, "objects");

    public string UploadsDirectory => Path.Combine(Directory, "uploads");

    public BucketRecord Record { get; set; }

    public Lock Gate { get; } = new();

    public SortedSet<string> Keys { get; } = new(KeyOrder.Instance);

    /// <summary>Versions of each key, newest (highest sequence) first.</summary>
    public Dictionary<string, List<ObjectVersion>> Versions { get; } = new(StringComparer.Ordinal);

    public bool IsDeleted { get; set; }
}
