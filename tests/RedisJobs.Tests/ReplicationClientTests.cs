using System.Net;
using System.Net.Sockets;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>The replication client against real redis-server processes: both transfer modes, ACL users, TLS, and the faults.</summary>
public sealed class ReplicationClientTests
{
    private static RedisEndpoint Endpoint(RedisServerProcess server, string? username = null, string? password = RedisServerProcess.Password) =>
        new() { Host = "127.0.0.1", Port = server.Port, Username = username, Password = password };

    private static async Task<(byte[] Rdb, RdbTransfer Transfer)> FetchAsync(RedisEndpoint endpoint, RedisReplicationOptions? options = null)
    {
        await using var client = await RedisReplicationClient.ConnectAsync(endpoint, options, CancellationToken.None);
        var transfer = await client.StartRdbTransferAsync(CancellationToken.None);
        return (await RdbFiles.ReadAllAsync(transfer), transfer);
    }

    [Fact]
    public async Task StartRdbTransfer_WhenTheServerSendsFromDisk_ShouldStreamAnRdbLikeRedisClisThatLoadsWithEveryKey()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync no");
        await RedisData.WriteMixedAsync(server.Admin);
        var expected = await RedisData.DumpsAsync(server.Admin);

        // Act
        var (rdb, transfer) = await FetchAsync(Endpoint(server));
        var reference = await RdbFiles.RedisCliRdbAsync(server.Port, RedisServerProcess.Password);
        var loaded = await RdbFiles.LoadAndDumpAsync(rdb);

        // Assert: the same file as redis-cli's but for the save time and the checksum it covers.
        Assert.Equal(RdbTransferMode.Disk, transfer.Mode);
        Assert.Equal(rdb.Length, transfer.DeclaredLength);
        Assert.True(transfer.Completed);
        Assert.Equal("REDIS0010", System.Text.Encoding.ASCII.GetString(rdb, 0, 9));
        Assert.Equal(reference.Length, rdb.Length);
        Assert.InRange(RdbFiles.DifferingBytes(reference, rdb), 0, 12);
        RedisData.AssertSame(expected, loaded);
        Assert.Equal(40, transfer.ReplicationId.Length);
        Assert.InRange(transfer.ReplicationOffset, 0, long.MaxValue);
    }

    [Fact]
    public async Task StartRdbTransfer_WhenTheServerStreamsDiskless_ShouldStripTheEndMarkAndLoadWithEveryKey()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync yes", "repl-diskless-sync-delay 0");
        await RedisData.WriteMixedAsync(server.Admin);
        await RedisData.PopulateAsync(server.Admin, 20_000, 64);
        var expected = await RedisData.DumpsAsync(server.Admin);

        // Act
        var (rdb, transfer) = await FetchAsync(Endpoint(server));
        var reference = await RdbFiles.RedisCliRdbAsync(server.Port, RedisServerProcess.Password);
        var loaded = await RdbFiles.LoadAndDumpAsync(rdb);

        // Assert
        Assert.Equal(RdbTransferMode.Diskless, transfer.Mode);
        Assert.Null(transfer.DeclaredLength);
        Assert.True(transfer.Completed);
        Assert.Equal(reference.Length, rdb.Length);
        RedisData.AssertSame(expected, loaded);
    }

    [Fact]
    public async Task ReadInfo_WhenTheServerHasKeysInThreeDatabases_ShouldReportItsVersionAndKeyspace()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(server.Admin);
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server), null, CancellationToken.None);

        // Act
        var info = await client.ReadInfoAsync(CancellationToken.None);

        // Assert
        Assert.Equal(server.Admin.GetServers()[0].Version.ToString(3), info.Version);
        Assert.Equal([0, 3, 15], info.Keyspace.Keys);
        Assert.Equal(2, info.KeysIn(3));
        Assert.Equal(1, info.KeysIn(15));
        Assert.Equal(0, info.KeysIn(7));
    }

    [Fact]
    public async Task StartRdbTransfer_WhenAnAclUserMayReplicate_ShouldFetchTheRdb()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("user replicator on >replicator-pass -@all +psync +replconf +info");
        await RedisData.WriteMixedAsync(server.Admin);
        var expected = await RedisData.DumpsAsync(server.Admin);

        // Act
        var (rdb, _) = await FetchAsync(Endpoint(server, "replicator", "replicator-pass"));

        // Assert
        RedisData.AssertSame(expected, await RdbFiles.LoadAndDumpAsync(rdb));
    }

    [Fact]
    public async Task StartRdbTransfer_WhenTheAclUserMayNotPsync_ShouldThrowDatabaseOperationExceptionNamingNoperm()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("user reader on >reader-pass ~* -@all +info +replconf +get");
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server, "reader", "reader-pass"), null, CancellationToken.None);

        // Act
        var error = await Assert.ThrowsAsync<DatabaseOperationException>(() => client.StartRdbTransferAsync(CancellationToken.None));

        // Assert
        Assert.Contains("NOPERM", error.Message, StringComparison.Ordinal);
        Assert.Contains("PSYNC", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("reader-pass", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRdbTransfer_WhenTheServerIsAReplicaWithoutItsPrimary_ShouldThrowDatabaseOperationExceptionWithTheServersError()
    {
        // Arrange: a replica whose primary is not there refuses to serve a full sync.
        await using var server = await RedisServerProcess.StartAsync(
            $"replicaof 127.0.0.1 {RedisServerProcess.FreePort()}", $"masterauth {RedisServerProcess.Password}");
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server), null, CancellationToken.None);

        // Act
        var error = await Assert.ThrowsAsync<DatabaseOperationException>(() => client.StartRdbTransferAsync(CancellationToken.None));

        // Assert
        Assert.Contains("refused PSYNC", error.Message, StringComparison.Ordinal);
        Assert.Contains("NOMASTERLINK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WhenThePasswordIsWrong_ShouldThrowDatabaseAuthenticationExceptionWithoutThePassword()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync();

        // Act
        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(
            () => RedisReplicationClient.ConnectAsync(Endpoint(server, password: "wrong-password-1"), null, CancellationToken.None));

        // Assert
        Assert.Contains("WRONGPASS", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRdbTransfer_WhenNoPasswordIsGivenToAServerThatWantsOne_ShouldThrowDatabaseAuthenticationException()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync();
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server, password: null), null, CancellationToken.None);

        // Act
        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => client.StartRdbTransferAsync(CancellationToken.None));

        // Assert
        Assert.Contains("NOAUTH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WhenNothingListens_ShouldThrowDatabaseUnreachableExceptionNamingTheServer()
    {
        // Arrange
        var endpoint = new RedisEndpoint { Host = "127.0.0.1", Port = RedisServerProcess.FreePort(), Password = "x" };

        // Act
        var error = await Assert.ThrowsAsync<DatabaseUnreachableException>(() => RedisReplicationClient.ConnectAsync(endpoint, null, CancellationToken.None));

        // Assert
        Assert.Contains($"127.0.0.1:{endpoint.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRdbTransfer_WhenTheServerSpeaksTlsWithTheGivenCa_ShouldFetchTheRdb()
    {
        // Arrange
        var tlsPort = RedisServerProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory("dr-tls-");
        try
        {
            var certificates = await TestCertificates.CreateAsync(folder.FullName);
            await using var server = await RedisServerProcess.StartAsync(
                $"tls-port {tlsPort}", $"tls-cert-file {certificates.CertificateFile}", $"tls-key-file {certificates.KeyFile}",
                $"tls-ca-cert-file {certificates.CaFile}", "tls-auth-clients no");
            await RedisData.WriteMixedAsync(server.Admin);
            var expected = await RedisData.DumpsAsync(server.Admin);
            var endpoint = new RedisEndpoint
            {
                Host = "localhost", Port = tlsPort, Password = RedisServerProcess.Password, Tls = true, CaCertificatePem = certificates.CaPem,
            };

            // Act
            var (rdb, _) = await FetchAsync(endpoint);

            // Assert
            RedisData.AssertSame(expected, await RdbFiles.LoadAndDumpAsync(rdb));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Connect_WhenTheServersCertificateIsNotSignedByTheGivenCa_ShouldThrowDatabaseUnreachableExceptionNamingTls()
    {
        // Arrange
        var tlsPort = RedisServerProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory("dr-tls-");
        try
        {
            var certificates = await TestCertificates.CreateAsync(folder.FullName);
            var other = await TestCertificates.CreateAsync(Directory.CreateDirectory(Path.Combine(folder.FullName, "other")).FullName, "another-ca");
            await using var server = await RedisServerProcess.StartAsync(
                $"tls-port {tlsPort}", $"tls-cert-file {certificates.CertificateFile}", $"tls-key-file {certificates.KeyFile}",
                $"tls-ca-cert-file {certificates.CaFile}", "tls-auth-clients no");
            var endpoint = new RedisEndpoint
            {
                Host = "localhost", Port = tlsPort, Password = RedisServerProcess.Password, Tls = true, CaCertificatePem = other.CaPem,
            };

            // Act
            var error = await Assert.ThrowsAsync<DatabaseUnreachableException>(
                () => RedisReplicationClient.ConnectAsync(endpoint, null, CancellationToken.None));

            // Assert
            Assert.Contains("TLS handshake failed", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("repl-diskless-sync no")]
    [InlineData("repl-diskless-sync yes")]
    public async Task Read_WhenTheServerDropsTheConnectionMidTransfer_ShouldThrowDatabaseConnectionLostException(string mode)
    {
        // Arrange: an RDB far larger than the socket buffers.
        await using var server = await RedisServerProcess.StartAsync(mode, "repl-diskless-sync-delay 0");
        await RedisData.PopulateAsync(server.Admin, 300_000, 200);
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server), null, CancellationToken.None);
        var transfer = await client.StartRdbTransferAsync(CancellationToken.None);
        await transfer.ReadExactlyAsync(new byte[1 << 20]);

        // Act
        await server.Admin.GetServers()[0].ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
        var error = await Assert.ThrowsAsync<DatabaseConnectionLostException>(() => transfer.CopyToAsync(Stream.Null));

        // Assert
        Assert.Contains("was lost after", error.Message, StringComparison.Ordinal);
        Assert.False(transfer.Completed);
    }

    [Fact]
    public async Task Read_WhenTheServerRestartsMidTransfer_ShouldThrowDatabaseConnectionLostException()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync no");
        await RedisData.PopulateAsync(server.Admin, 300_000, 200);
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server), null, CancellationToken.None);
        var transfer = await client.StartRdbTransferAsync(CancellationToken.None);
        await transfer.ReadExactlyAsync(new byte[1 << 20]);

        // Act
        await server.RestartAsync();
        var error = await Assert.ThrowsAsync<DatabaseConnectionLostException>(() => transfer.CopyToAsync(Stream.Null));

        // Assert
        Assert.Contains($"of {transfer.DeclaredLength} RDB bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WhenTheCallerCancelsMidTransfer_ShouldThrowOperationCanceled()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync yes", "repl-diskless-sync-delay 0");
        await RedisData.PopulateAsync(server.Admin, 300_000, 200);
        await using var client = await RedisReplicationClient.ConnectAsync(Endpoint(server), null, CancellationToken.None);
        var transfer = await client.StartRdbTransferAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource();

        // Act
        await transfer.ReadExactlyAsync(new byte[1 << 20], deadline.Token);
        await deadline.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => transfer.CopyToAsync(Stream.Null, deadline.Token));

        // Assert
        Assert.Equal(deadline.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Connect_WhenAServerAcceptsButNeverAnswers_ShouldThrowDatabaseConnectionLostExceptionAfterTheIdleTimeout()
    {
        // Arrange: a STAND-IN for a hung server (a listening socket that never writes), which a real redis-server cannot play.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var endpoint = new RedisEndpoint { Host = "127.0.0.1", Port = ((IPEndPoint)silent.LocalEndpoint).Port, Password = "x" };

        // Act
        var error = await Assert.ThrowsAsync<DatabaseConnectionLostException>(
            () => RedisReplicationClient.ConnectAsync(
                endpoint, new RedisReplicationOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) }, CancellationToken.None));

        // Assert
        Assert.Contains("sent nothing", error.Message, StringComparison.Ordinal);
    }
}
