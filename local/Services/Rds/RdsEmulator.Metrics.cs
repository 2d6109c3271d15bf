namespace DisasterRecovery.LocalRds;

// What RDS publishes to CloudWatch about an instance, read live: FreeStorageSpace is the free space of the file system
// holding the instance's cluster (statvfs), the closest a local cluster has to RDS's allocated-minus-used.
public sealed partial class RdsEmulator
{
    /// <summary>
    /// The instance's FreeStorageSpace in bytes, or null when the region has no instance of that identifier (or it has no
    /// cluster yet, as while creating).
    /// </summary>
    public long? FreeStorageBytes(string region, string identifier)
    {
        var instance = _state.Instances.FirstOrDefault(i => i.Region == region && i.Identifier == identifier);
        if (instance is null || string.IsNullOrEmpty(instance.DataDirectory))
        {
            return null;
        }

        // DriveInfo on Unix is statvfs of the path given; the folder may be the service user's, so ask about its parent if needed.
        var path = Directory.Exists(instance.DataDirectory) ? instance.DataDirectory : Path.GetDirectoryName(instance.DataDirectory);
        return path is null || !Directory.Exists(path) ? null : new DriveInfo(path).AvailableFreeSpace;
    }
}
