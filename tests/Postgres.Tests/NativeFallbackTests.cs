using DisasterRecovery.Postgres.Native;
using DisasterRecovery.TestSupport;
using DisasterRecovery.Zstd;

namespace DisasterRecovery.Postgres.Tests;

/// <summary>
/// libpq and libzstd are the data path; the managed implementations are only an automatic fallback for a
/// machine where the library cannot be loaded. No setting chooses between them: these tests take the
/// fallback by loading a library name that does not exist, as a machine without the library would.
/// </summary>
public sealed class NativeFallbackTests : IAsyncLifetime
{
    private string _database = string.Empty;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync("fallback");
        await PostgresTestServer.ExecuteAsync(_database,
            "CREATE TABLE t (id bigint PRIMARY KEY, note text, doc jsonb); " +
            "INSERT INTO t SELECT g, 'row ' || g || E'\\ttab', jsonb_build_object('k', g) FROM generate_series(1, 50000) g");
    }

    public async Task DisposeAsync() => await PostgresTestServer.DropDatabaseAsync(_database);

    [Fact]
    public void Default_OnThisMachine_ShouldBeTheNativeLibraries()
    {
        Assert.NotNull(LibpqCopyConnection.Default);
        Assert.NotNull(NativeZstd.Default);
        Assert.Equal("libpq", CopyOutSession.Implementation);
        Assert.Equal("libzstd", FrameEncoder.Implementation);
    }

    [Fact]
    public async Task OpenAsync_WhenLibpqCannotBeLoaded_ShouldReadTheSameCopyTextThroughNpgsql()
    {
        var missing = LibpqCopyConnection.TryLoad("libpq-not-installed.so.5");

        var native = await ReadAsync(LibpqCopyConnection.Default);
        var managed = await ReadAsync(missing);

        Assert.Null(missing);
        Assert.Equal("Libpq", native.Session);
        Assert.Equal("Managed", managed.Session);
        Assert.True(native.Text.Length > 1 << 20);
        Assert.Equal(native.Text, managed.Text);
    }

    private async Task<(string Session, byte[] Text)> ReadAsync(LibpqCopyConnection.Library? libpq)
    {
        var endpoint = PostgresTestServer.Endpoint(_database);
        await using var session = await CopyOutSession.OpenAsync(endpoint, PostgresDumper.SessionSettings, libpq, CancellationToken.None);
        await session.BeginAsync("COPY public.t TO STDOUT", CancellationToken.None);
        using var text = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await session.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            text.Write(buffer, 0, read);
        }

        return (session.GetType().Name, text.ToArray());
    }
}
