using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// Reads the objects of one committed backup, each pinned to the S3 version its manifest recorded and
/// checked against the manifest's SHA-256 and size as it is read (<see cref="VerifyingReadStream"/>).
/// </summary>
public sealed class BackupReader
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;

    internal BackupReader(IAmazonS3 s3, string bucket, BackupManifest manifest)
    {
        _s3 = s3;
        _bucket = bucket;
        Manifest = manifest;
    }

    public BackupManifest Manifest { get; }

    /// <summary>
    /// Opens an object for reading: decompressed, verified at the end. Read it to the end (a read
    /// returning 0) before using what was read; a mismatch throws <see cref="ChecksumMismatchException"/> there.
    /// </summary>
    public async Task<VerifyingReadStream> OpenObjectAsync(string name, CancellationToken cancellationToken = default)
    {
        var entry = Entry(name);
        var request = new GetObjectRequest { BucketName = _bucket, Key = entry.Key, VersionId = entry.VersionId };
        var response = await GetAsync(entry, request, cancellationToken).ConfigureAwait(false);
        return new VerifyingReadStream(Manifest.BackupId, entry, response.ResponseStream, response);
    }

    /// <summary>
    /// Opens bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of an object
    /// <b>as stored</b> (not decompressed), pinned to the manifest's version: for engines that index their own
    /// objects and read parts of them in parallel (the PostgreSQL restore fetches each table's chunks). These bytes
    /// are not checked here: the caller checks each range against its own index, whose object the catalog verifies.
    /// </summary>
    /// <exception cref="ChecksumMismatchException">The range does not lie inside the object's stored size (the index and the manifest disagree).</exception>
    public async Task<Stream> OpenStoredRangeAsync(string name, long offset, long length, CancellationToken cancellationToken = default)
    {
        var entry = Entry(name);
        if (offset < 0 || length <= 0 || offset + length > entry.StoredSize)
        {
            throw new ChecksumMismatchException(Manifest.BackupId.Value, name, entry.Key,
                $"bytes {offset}..{offset + length - 1} were asked for, but the object stores {entry.StoredSize} bytes");
        }

        var request = new GetObjectRequest
        {
            BucketName = _bucket,
            Key = entry.Key,
            VersionId = entry.VersionId,
            ByteRange = new ByteRange(offset, offset + length - 1),
        };
        var response = await GetAsync(entry, request, cancellationToken).ConfigureAwait(false);
        return new OwningStream(response.ResponseStream, response);
    }

    /// <summary>Reads an object to its end and verifies it; throws <see cref="ChecksumMismatchException"/> on mismatch.</summary>
    public async Task VerifyObjectAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenObjectAsync(name, cancellationToken).ConfigureAwait(false);
        await stream.CopyToAsync(Stream.Null, 1024 * 1024, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads every object and reports one check per object (<c>checksum:&lt;name&gt;</c>). A damaged or
    /// missing object is a failed check, not an exception: the verdict is data.
    /// </summary>
    public async Task<IReadOnlyList<VerificationCheck>> VerifyAllObjectsAsync(CancellationToken cancellationToken = default)
    {
        var checks = new List<VerificationCheck>();
        foreach (var entry in Manifest.Objects)
        {
            try
            {
                await VerifyObjectAsync(entry.Name, cancellationToken).ConfigureAwait(false);
                checks.Add(new VerificationCheck($"checksum:{entry.Name}", true, $"{entry.Size} bytes, sha256 {entry.Sha256}"));
            }
            catch (ChecksumMismatchException e)
            {
                checks.Add(new VerificationCheck($"checksum:{entry.Name}", false, e.Problem));
            }
            catch (BackupNotFoundException e)
            {
                checks.Add(new VerificationCheck($"checksum:{entry.Name}", false, e.Message));
            }
        }

        return checks;
    }

    private BackupObject Entry(string name) =>
        Manifest.FindObject(name) ?? throw new BackupNotFoundException($"backup {Manifest.BackupId} has no object '{name}'");

    /// <summary>GETs (part of) an object of the backup; a missing key or version is <see cref="BackupNotFoundException"/>.</summary>
    private async Task<GetObjectResponse> GetAsync(BackupObject entry, GetObjectRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await S3Failures.CallAsync(_bucket, () => _s3.GetObjectAsync(request, cancellationToken)).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
        {
            var version = entry.VersionId is null ? string.Empty : $" version {entry.VersionId}";
            throw new BackupNotFoundException(
                $"backup {Manifest.BackupId}: object '{entry.Name}' ({entry.Key}{version}) is missing from bucket '{_bucket}'", e);
        }
    }
}
