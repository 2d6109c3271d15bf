using System.Text;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

public sealed class ValidationTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task BeginBackup_WhenTheBucketDoesNotExist_ShouldThrowStorageNotFoundAndCreateNothing()
    {
        // Arrange
        var catalog = CatalogTestKit.Catalog(_s3, "no-such-bucket");
        var bucketsBefore = (await _s3.Client.ListBucketsAsync()).Buckets?.Count ?? 0;

        // Act
        var error = await Assert.ThrowsAsync<StorageNotFoundException>(() => catalog.BeginBackupAsync(CatalogTestKit.Request()));

        // Assert
        Assert.Equal("no-such-bucket", error.Bucket);
        Assert.Equal(bucketsBefore, (await _s3.Client.ListBucketsAsync()).Buckets?.Count ?? 0);
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/../b")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("nul\0")]
    [InlineData("space here")]
    [InlineData("ümlaut")]
    public async Task BeginBackup_WhenTheSourceIsUnsafe_ShouldThrowInvalidInputNamingSourceAndWriteNothing(string source)
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);

        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => catalog.BeginBackupAsync(CatalogTestKit.Request(source: source)));

        // Assert
        Assert.Equal("source", error.Field);
        Assert.Empty(await _s3.ListKeysAsync(bucket));
    }

    [Theory]
    [InlineData("../escape.sql")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    [InlineData("/abs")]
    [InlineData("trailing/")]
    [InlineData("a/./b")]
    [InlineData("line\nbreak")]
    [InlineData("back\\slash")]
    public async Task OpenObject_WhenTheNameIsUnsafe_ShouldThrowInvalidInputNamingNameAndWriteNothing(string name)
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        await using var backup = await catalog.BeginBackupAsync(CatalogTestKit.Request());

        // Act
        var error = Assert.Throws<InvalidInputException>(() => backup.OpenObject(name));

        // Assert
        Assert.Equal("name", error.Field);
        Assert.Empty(await _s3.ListKeysAsync(bucket));
    }

    [Theory]
    [InlineData("2025-01-01")]
    [InlineData("20250101T000000Z-UPPER")]
    [InlineData("20250101T000000Z-../x")]
    [InlineData("20251301T000000Z-abc")]
    public async Task BeginBackup_WhenTheBackupIdIsMalformed_ShouldThrowInvalidInputNamingBackupIdAtTheEdge(string backupId)
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);

        // Act: the catalog takes a typed id, so the text is refused where it becomes one, before the catalog is called.
        var error = await Assert.ThrowsAsync<InvalidInputException>(
            () => catalog.BeginBackupAsync(CatalogTestKit.Request(backupId: BackupId.Parse(backupId, "backupId"))));

        // Assert
        Assert.Equal("backupId", error.Field);
        Assert.Contains("20250114T020000Z-a1b2c3d4", error.Problem, StringComparison.Ordinal);
        Assert.False(BackupId.TryParse(backupId, out var none));
        Assert.Null(none);
        Assert.Empty(await _s3.ListKeysAsync(bucket));
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("  ", "is required")]
    [InlineData("nope", "must look like")]
    public void Parse_WhenTheTextIsNotAnId_ShouldNameTheCallersField(string? text, string expected)
    {
        // Act
        var error = Assert.Throws<InvalidInputException>(() => BackupId.Parse(text, "baseBackupId"));

        // Assert
        Assert.Equal("baseBackupId", error.Field);
        Assert.Contains(expected, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_WhenTheTextIsAnId_ShouldGiveItsStartTimeAndTheSameText()
    {
        // Act
        var parsed = BackupId.TryParse("20250114T020304Z-a1b2", out var id);

        // Assert
        Assert.True(parsed);
        Assert.Equal("20250114T020304Z-a1b2", id!.Value);
        Assert.Equal(new DateTimeOffset(2025, 1, 14, 2, 3, 4, TimeSpan.Zero), id.StartedAt);
        Assert.Equal(BackupId.Parse("20250114T020304Z-a1b2", "backupId"), id);
    }

    [Fact]
    public void New_WhenStartedWithinASecond_ShouldEncodeTheWholeSecondItStarted()
    {
        // Arrange
        var startedAt = new DateTimeOffset(2025, 1, 14, 2, 3, 4, 567, TimeSpan.Zero);

        // Act
        var id = BackupId.New(startedAt);

        // Assert
        Assert.StartsWith("20250114T020304Z-", id.Value, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2025, 1, 14, 2, 3, 4, TimeSpan.Zero), id.StartedAt);
    }

    [Theory]
    [InlineData("backupId")]
    [InlineData("baseBackupId")]
    public async Task ReadManifest_WhenAStoredIdIsMalformed_ShouldThrowManifestSchemaNamingTheField(string field)
    {
        // Arrange: a committed manifest edited in the bucket so that one of its ids is no id.
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var committed = await CatalogTestKit.CommitBackupAsync(
            catalog, CatalogTestKit.Request() with { BaseBackupId = BackupId.New(_s3.Clock.GetUtcNow().AddDays(-1)) },
            ("dump.sql", CatalogTestKit.Sql(3), Compression.None));
        var json = Encoding.UTF8.GetString(await _s3.GetBytesAsync(bucket, committed.ManifestKey));
        var stored = field == "backupId" ? committed.BackupId.Value : committed.Manifest.BaseBackupId!.Value;
        var edited = json.Replace($"\"{stored}\"", "\"2025-01-01\"", StringComparison.Ordinal);
        await _s3.PutBytesAsync(bucket, committed.ManifestKey, Encoding.UTF8.GetBytes(edited));

        // Act
        var error = await Assert.ThrowsAsync<ManifestSchemaException>(
            () => catalog.ReadManifestAsync(BackupEngine.Postgres, CatalogTestKit.Source, committed.BackupId));

        // Assert
        Assert.Contains($"$.{field}", error.Message, StringComparison.Ordinal);
        Assert.Contains("2025-01-01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_WhenTheManifestHasAnUnknownSchemaVersion_ShouldThrowManifestSchemaAndWriteNothing()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));
        var before = await _s3.ListVersionsAsync(bucket);
        var id = BackupId.New(_s3.Clock.GetUtcNow().AddHours(1));

        // Act
        var error = await Assert.ThrowsAsync<ManifestSchemaException>(() => catalog.CommitAsync(manifest with { SchemaVersion = 2, BackupId = id }));

        // Assert
        Assert.Contains("schemaVersion 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListVersionsAsync(bucket));
    }

    [Fact]
    public async Task ReadManifest_WhenTheStoredManifestHasAnUnknownSchemaVersion_ShouldThrowManifestSchema()
    {
        // Arrange: a manifest written by some future version of this code.
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var id = BackupId.New(_s3.Clock.GetUtcNow());
        var key = BackupKeys.Manifest(BackupEngine.Postgres, CatalogTestKit.Source, id);
        await _s3.PutBytesAsync(bucket, key, Encoding.UTF8.GetBytes($$$"""{"schemaVersion": 2, "backupId": "{{{id}}}", "somethingNew": {"x": 1} }"""));
        var before = await _s3.ListVersionsAsync(bucket);

        // Act
        var error = await Assert.ThrowsAsync<ManifestSchemaException>(() => catalog.ReadManifestAsync(BackupEngine.Postgres, CatalogTestKit.Source, id));

        // Assert
        Assert.Contains("schemaVersion 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListVersionsAsync(bucket));
    }

    [Theory]
    [InlineData("""{"backupId": "x"}""", "no schemaVersion")]
    [InlineData("""{"schemaVersion": "1"}""", "not an integer")]
    [InlineData("""[1, 2]""", "not a JSON object")]
    [InlineData("""{"schemaVersion": 1, "backupId": "20250101T000000Z-abc"}""", "does not match manifest schema version 1")]
    [InlineData("""{"schemaVer""", "not valid JSON")]
    public void Parse_WhenTheManifestIsNotReadable_ShouldThrowManifestSchemaSayingWhy(string json, string expected)
    {
        // Arrange
        var bytes = Encoding.UTF8.GetBytes(json);

        // Act
        var error = Assert.Throws<ManifestSchemaException>(() => ManifestSerializer.Parse(bytes, "test manifest"));

        // Assert
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexEntry_WhenBackupsCompleteLater_ShouldSortEarlierSoListingIsNewestFirst()
    {
        // Arrange
        var t = new DateTimeOffset(2025, 1, 14, 2, 0, 0, TimeSpan.Zero);
        var older = BackupKeys.IndexEntry(BackupEngine.Postgres, "db", false, BackupId.New(t), t, BackupKind.Full, RetentionTier.Daily);
        var newer = BackupKeys.IndexEntry(
            BackupEngine.Postgres, "db", false, BackupId.New(t.AddSeconds(1)), t.AddSeconds(1), BackupKind.Full, RetentionTier.Monthly);

        // Act
        var parsed = BackupKeys.ParseIndexEntry(BackupEngine.Postgres, "db", false, newer);

        // Assert
        Assert.True(string.CompareOrdinal(newer, older) < 0);
        Assert.Equal(t.AddSeconds(1), parsed!.CompletedAt);
        Assert.Equal(RetentionTier.Monthly, parsed.RetentionTier);
        Assert.StartsWith("catalog/postgres/db/committed/", newer, StringComparison.Ordinal);
    }
}
