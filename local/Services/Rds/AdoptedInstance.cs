using System.Text.Json;

namespace DisasterRecovery.LocalRds;

/// <summary>
/// A running PostgreSQL 15 cluster that someone else manages (local/servers), to be registered as a DB instance.
/// The emulator administers it over its Unix socket (local trust) and never reads its password; it never stops it
/// on dispose nor removes its files.
/// </summary>
public sealed record AdoptedInstance
{
    /// <summary>The DB instance identifier it gets; the plan's production instance by default.</summary>
    public string Identifier { get; init; } = "technician-marketplace";

    /// <summary>Region it belongs to; null for the emulator's default region.</summary>
    public string? Region { get; init; }

    public required int Port { get; init; }

    /// <summary>The superuser, reported as MasterUsername.</summary>
    public required string User { get; init; }

    /// <summary>The folder of its Unix socket (its <c>unix_socket_directories</c>).</summary>
    public required string SocketDirectory { get; init; }

    public required string DataDirectory { get; init; }

    /// <summary>Where its archive_command puts WAL; point-in-time restores read it.</summary>
    public required string WalArchive { get; init; }

    /// <summary>
    /// Where local/servers keeps the base backup it takes when it starts the cluster (<c>&lt;time&gt;/</c> folders with a
    /// backup.json); the first adoption takes the newest usable one as its first automated backup. Null: none.
    /// </summary>
    public string? BaseBackupDirectory { get; init; }

    /// <summary>Its server log (for starting it again after a restart); defaults to a file in the emulator's folder.</summary>
    public string? LogFile { get; init; }

    /// <summary>
    /// On by default, so a flow cannot delete the shared development server by mistake; a delete then fails as RDS
    /// fails it (InvalidParameterCombination, "Cannot delete protected DB Instance…").
    /// </summary>
    public bool DeletionProtection { get; init; } = true;

    public int BackupRetentionPeriod { get; init; } = 7;

    /// <summary>
    /// Where production sits, so that flows copying it into a restore have something to copy: its DB subnet group (in
    /// <see cref="VpcId"/>), security groups, parameter group and option group, which adoption defines
    /// (<see cref="RdsEmulator.DefineNetworkGroupsAsync"/>). Recorded and reported only: the cluster listens where it listens.
    /// </summary>
    public string DbSubnetGroupName { get; init; } = "technician-marketplace-db";

    public string VpcId { get; init; } = "vpc-0decade0000000001";

    public IReadOnlyList<string> VpcSecurityGroupIds { get; init; } = ["sg-0decade0000000002"];

    public string DbParameterGroupName { get; init; } = "technician-marketplace-postgres15";

    public string OptionGroupName { get; init; } = "default:postgres-15";

    /// <summary>Production runs Multi-AZ (recorded only: one cluster).</summary>
    public bool MultiAZ { get; init; } = true;

    public bool CopyTagsToSnapshot { get; init; } = true;

    /// <summary>Reads the servers.json that <c>local/servers start</c> writes (its <c>postgres</c> section).</summary>
    public static AdoptedInstance FromServersJson(string serversJsonPath, string identifier = "technician-marketplace")
    {
        using var json = JsonDocument.Parse(File.ReadAllText(serversJsonPath));
        var pg = json.RootElement.GetProperty("postgres");
        var data = pg.GetProperty("dataDirectory").GetString()!;
        return new AdoptedInstance
        {
            Identifier = identifier,
            Port = pg.GetProperty("port").GetInt32(),
            User = pg.GetProperty("user").GetString()!,
            SocketDirectory = pg.GetProperty("socketDirectory").GetString()!,
            DataDirectory = data,
            WalArchive = pg.GetProperty("walArchive").GetString()!,
            BaseBackupDirectory = pg.TryGetProperty("baseBackups", out var baseBackups) ? baseBackups.GetString() : null,
            // local/servers logs next to the data folder.
            LogFile = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(data))!, "postgres.log"),
        };
    }
}
