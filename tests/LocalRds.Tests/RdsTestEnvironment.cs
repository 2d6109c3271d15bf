using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DisasterRecovery.Core.Logging;
using Npgsql;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// An emulator on a private state folder under /tmp, with its log captured. Disposing stops every cluster it
/// started and removes the folder.
/// </summary>
public sealed class RdsTestEnvironment : IAsyncDisposable
{
    private readonly StringWriter _log = new();

    private RdsTestEnvironment(string stateDirectory, TimeProvider? retentionClock)
    {
        StateDirectory = stateDirectory;
        RetentionClock = retentionClock ?? TimeProvider.System;
    }

    /// <summary>The clock automated-backup retention is measured on (the system clock unless a test shifts it).</summary>
    public TimeProvider RetentionClock { get; }

    public string StateDirectory { get; }

    public RdsEmulator Emulator { get; private set; } = null!;

    /// <summary>The emulator's fault injector (throttled calls, instances ending in a bad status).</summary>
    public RdsFaultInjector FaultInjector { get; } = new();

    /// <summary>Everything the emulator logged so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<RdsTestEnvironment> StartAsync(TimeProvider? retentionClock = null)
    {
        var environment = new RdsTestEnvironment(Path.Combine(Path.GetTempPath(), "rds-" + Guid.NewGuid().ToString("N")[..10]), retentionClock);
        environment.Emulator = await RdsEmulator.OpenAsync(environment.Options());
        return environment;
    }

    /// <summary>Stops the emulator and opens a new one on the same state folder, as a restart of the local cloud does.</summary>
    public async Task ReopenAsync()
    {
        await Emulator.DisposeAsync();
        Emulator = await RdsEmulator.OpenAsync(Options());
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    public Task<JsonNode> CallAsync(string action, JsonObject parameters) => Emulator.CallAsync(action, parameters);

    public Task<JsonNode> CallAsync(string region, string action, JsonObject parameters) => Emulator.CallAsync(region, action, parameters);

    /// <summary>createDBInstance as a state machine would call it, then waits until it is available.</summary>
    public async Task<JsonObject> CreateInstanceAsync(string identifier, string password, int backupRetentionPeriod = 1, string region = "us-east-1")
    {
        await Emulator.CallAsync(region, "createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = identifier,
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
            ["MasterUsername"] = "master",
            ["MasterUserPassword"] = password,
            ["AllocatedStorage"] = 20,
            ["DbName"] = "marketplace",
            ["BackupRetentionPeriod"] = backupRetentionPeriod,
        });
        var (instance, _) = await WaitForInstanceAsync(identifier, "available", region);
        return instance;
    }

    /// <summary>Polls describeDBInstances like a state machine's poll loop (no pause) until the status; returns the statuses seen.</summary>
    public async Task<(JsonObject Instance, List<string> Statuses)> WaitForInstanceAsync(string identifier, string status, string region = "us-east-1")
    {
        var seen = new List<string>();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        while (true)
        {
            var result = await Emulator.CallAsync(region, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = identifier });
            var instance = result["DbInstances"]![0]!.AsObject();
            var current = instance["DbInstanceStatus"]!.GetValue<string>();
            seen.Add(current);
            if (current == status)
            {
                return (instance, seen);
            }

            if (current is "failed" or "incompatible-restore" || DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{identifier} is {current} (seen: {string.Join(", ", seen)}); emulator log:\n{Log}");
            }
        }
    }

    public async Task<(JsonObject Snapshot, List<string> Statuses)> WaitForSnapshotAsync(string identifier, string region = "us-east-1")
    {
        var seen = new List<string>();
        var deadline = DateTimeOffset.UtcNow.AddMinutes(3);
        while (true)
        {
            var result = await Emulator.CallAsync(region, "describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = identifier });
            var snapshot = result["DbSnapshots"]![0]!.AsObject();
            var current = snapshot["Status"]!.GetValue<string>();
            seen.Add(current);
            if (current == "available")
            {
                return (snapshot, seen);
            }

            if (current == "failed" || DateTimeOffset.UtcNow > deadline)
            {
                throw new InvalidOperationException($"snapshot {identifier} is {current}; emulator log:\n{Log}");
            }
        }
    }

    /// <summary>A connection to an instance's endpoint over TCP with its master password, as an application would connect.</summary>
    public static async Task<NpgsqlConnection> ConnectAsync(JsonObject instance, string password, string database = "marketplace")
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = instance["Endpoint"]!["Address"]!.GetValue<string>(),
            Port = instance["Endpoint"]!["Port"]!.GetValue<int>(),
            Username = instance["MasterUsername"]!.GetValue<string>(),
            Password = password,
            Database = database,
            Pooling = false,
            Timeout = 10,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static string NewPassword() => "Pw" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>Calls and expects an RDS error.</summary>
    public async Task<RdsEmulatorException> FailsAsync(string action, JsonObject parameters, string region = "us-east-1") =>
        await Assert.ThrowsAsync<RdsEmulatorException>(() => Emulator.CallAsync(region, action, parameters));

    private RdsEmulatorOptions Options() => new()
    {
        StateDirectory = StateDirectory,
        // Generous: the assertions about "creating then available" must not depend on how loaded the machine is.
        DescribeWaitForProgress = TimeSpan.FromSeconds(60),
        RetentionClock = RetentionClock,
        FaultInjector = FaultInjector,
        Logger = new JsonLogger("LocalRds", new SynchronizedWriter(_log), TimeProvider.System),
    };

    /// <summary>The emulator logs from background work; the captured text must not be torn.</summary>
    private sealed class SynchronizedWriter(StringWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            lock (inner)
            {
                inner.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (inner)
            {
                inner.WriteLine(value);
            }
        }
    }
}
