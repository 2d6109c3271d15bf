using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// Where an instance sits: its DB subnet group (hence VPC), VPC security groups, parameter group, option group,
// Multi-AZ and public accessibility. Recorded and checked, never enforced: every cluster listens on 127.0.0.1.
public sealed partial class RdsEmulator
{
    /// <summary>
    /// Defines a DB subnet group, its VPC and the groups beside it in a region (see <see cref="RdsNetworkGroups"/>), so
    /// creates and restores may name them. Defining the same subnet group again adds the groups given; a subnet group
    /// name already defined in another VPC is refused.
    /// </summary>
    /// <exception cref="ArgumentException">A name or id is malformed, or the subnet group exists in another VPC.</exception>
    public async Task DefineNetworkGroupsAsync(RdsNetworkGroups groups, string? region = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groups);
        region ??= DefaultRegion;
        var subnetGroup = RdsNetwork.CheckSubnetGroupName(groups.DbSubnetGroupName);
        RdsNetwork.CheckId(groups.VpcId, "vpc", nameof(groups.VpcId));
        foreach (var id in groups.VpcSecurityGroupIds)
        {
            RdsNetwork.CheckId(id, "sg", nameof(groups.VpcSecurityGroupIds));
        }

        var parameterGroups = groups.DbParameterGroupNames.Select(n => RdsNetwork.CheckGroupName(n, nameof(groups.DbParameterGroupNames))).ToList();
        var optionGroups = groups.OptionGroupNames.Select(n => RdsNetwork.CheckGroupName(n, nameof(groups.OptionGroupNames))).ToList();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = _state.NetworkGroups.FirstOrDefault(n => n.Region == region && n.DbSubnetGroupName == subnetGroup);
            if (record is not null && record.VpcId != groups.VpcId)
            {
                throw new ArgumentException($"the DB subnet group {subnetGroup} is already defined in {record.VpcId}, not {groups.VpcId}", nameof(groups));
            }

            if (record is null)
            {
                record = new NetworkGroupsRecord { Region = region, VpcId = groups.VpcId, DbSubnetGroupName = subnetGroup };
                _state.NetworkGroups.Add(record);
            }

            record.VpcSecurityGroupIds = [.. record.VpcSecurityGroupIds.Union(groups.VpcSecurityGroupIds, StringComparer.Ordinal)];
            record.DbParameterGroupNames = [.. record.DbParameterGroupNames.Union(parameterGroups, StringComparer.Ordinal)];
            record.OptionGroupNames = [.. record.OptionGroupNames.Union(optionGroups, StringComparer.Ordinal)];
            Save();
        }
        finally
        {
            _gate.Release();
        }

        Log(LogLevel.Info, "network groups defined", ("region", region), ("dbSubnetGroup", subnetGroup), ("vpc", groups.VpcId));
    }

    /// <summary>
    /// The placement a create or restore asks for (caller holds the gate), with RDS's defaults for what it leaves out:
    /// subnet group <c>default</c>, the VPC's default security group, the default parameter and option groups,
    /// single-AZ, and not publicly accessible (the local default VPC has no internet gateway, which is what RDS's
    /// default depends on). A group that does not exist fails as RDS fails it.
    /// </summary>
    private InstancePlacement ResolvePlacement(string region, Request request)
    {
        var subnetGroup = request.String("DbSubnetGroupName")?.ToLowerInvariant() ?? RdsNetwork.DefaultSubnetGroup;
        var vpc = subnetGroup == RdsNetwork.DefaultSubnetGroup
            ? RdsNetwork.DefaultVpcId
            : _state.NetworkGroups.FirstOrDefault(n => n.Region == region && n.DbSubnetGroupName == subnetGroup)?.VpcId
                ?? throw RdsErrors.UnknownSubnetGroup(subnetGroup);

        var requested = request.Strings("VpcSecurityGroupIds");
        List<string> securityGroups = requested.Count == 0 ? [RdsNetwork.DefaultSecurityGroupOf(vpc)] : [.. requested.Distinct(StringComparer.Ordinal)];
        foreach (var id in securityGroups)
        {
            var owner = SecurityGroupVpc(region, id) ?? throw RdsErrors.InvalidParameterValue($"Invalid security group , groupId= {id}, groupName=.");
            if (owner != vpc)
            {
                throw RdsErrors.InvalidParameterCombination(
                    $"The DB instance and EC2 security group are in different VPCs. The DB instance is in {vpc} and the EC2 security group is in {owner}");
            }
        }

        var parameterGroup = request.String("DbParameterGroupName")?.ToLowerInvariant() ?? RdsNetwork.DefaultParameterGroup;
        if (parameterGroup != RdsNetwork.DefaultParameterGroup
            && !_state.NetworkGroups.Any(n => n.Region == region && n.DbParameterGroupNames.Contains(parameterGroup)))
        {
            throw RdsErrors.UnknownParameterGroup(parameterGroup);
        }

        var optionGroup = request.String("OptionGroupName")?.ToLowerInvariant() ?? RdsNetwork.DefaultOptionGroup;
        if (optionGroup != RdsNetwork.DefaultOptionGroup
            && !_state.NetworkGroups.Any(n => n.Region == region && n.OptionGroupNames.Contains(optionGroup)))
        {
            throw RdsErrors.UnknownOptionGroup(optionGroup);
        }

        return new InstancePlacement(subnetGroup, vpc, securityGroups, parameterGroup, optionGroup,
            request.Bool("MultiAZ") ?? false, request.Bool("PubliclyAccessible") ?? false);
    }

    /// <summary>The VPC a security group belongs to in a region; null for an unknown group (caller holds the gate).</summary>
    private string? SecurityGroupVpc(string region, string securityGroupId)
    {
        if (securityGroupId == RdsNetwork.DefaultSecurityGroupOf(RdsNetwork.DefaultVpcId))
        {
            return RdsNetwork.DefaultVpcId;
        }

        return _state.NetworkGroups
            .FirstOrDefault(n =>
                n.Region == region && (n.VpcSecurityGroupIds.Contains(securityGroupId) || RdsNetwork.DefaultSecurityGroupOf(n.VpcId) == securityGroupId))
            ?.VpcId;
    }
}

/// <summary>Where a new instance goes (see <see cref="RdsEmulator"/>'s ResolvePlacement).</summary>
internal sealed record InstancePlacement(
    string DbSubnetGroupName,
    string VpcId,
    IReadOnlyList<string> VpcSecurityGroupIds,
    string DbParameterGroupName,
    string OptionGroupName,
    bool MultiAZ,
    bool PubliclyAccessible)
{
    public void ApplyTo(InstanceRecord record)
    {
        record.DbSubnetGroupName = DbSubnetGroupName;
        record.VpcId = VpcId;
        record.VpcSecurityGroupIds = [.. VpcSecurityGroupIds];
        record.DbParameterGroupName = DbParameterGroupName;
        record.OptionGroupName = OptionGroupName;
        record.MultiAZ = MultiAZ;
        record.PubliclyAccessible = PubliclyAccessible;
    }
}

/// <summary>RDS's default groups in every region, and the rules for names and ids.</summary>
internal static partial class RdsNetwork
{
    public const string DefaultSubnetGroup = "default";
    public const string DefaultVpcId = "vpc-0defa017000000001";
    public const string DefaultParameterGroup = "default.postgres15";
    public const string DefaultOptionGroup = "default:postgres-15";

    /// <summary>A VPC's default security group: fixed for the default VPC, derived from the id for the others.</summary>
    public static string DefaultSecurityGroupOf(string vpcId) =>
        vpcId == DefaultVpcId ? "sg-0defa017000000002" : "sg-" + Hex(vpcId + "/default")[..17];

    /// <summary>The subnets a subnet group spans: one in each of the region's first two zones.</summary>
    public static IEnumerable<(string SubnetId, string AvailabilityZone)> Subnets(string region, string vpcId, string subnetGroup) =>
        new[] { "a", "b" }.Select(zone => ("subnet-" + Hex($"{vpcId}/{subnetGroup}/{zone}")[..17], region + zone));

    public static string CheckSubnetGroupName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > 255 || !SubnetGroupName().IsMatch(name) || name.Equals(DefaultSubnetGroup, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"'{name}' is not a DB subnet group name RDS accepts: up to 255 letters, digits, periods, underscores, spaces or hyphens, and not 'default'",
                nameof(name));
        }

        return name.ToLowerInvariant();
    }

    public static string CheckGroupName(string name, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name, parameter);
        if (name.Length > 255 || !GroupName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a group name RDS accepts: a letter, then up to 254 letters, digits, hyphens, periods or colons",
                parameter);
        }

        return name.ToLowerInvariant();
    }

    public static void CheckId(string id, string prefix, string parameter)
    {
        if (id is null || !Regex.IsMatch(id, $"^{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})$", RegexOptions.CultureInvariant))
        {
            throw new ArgumentException($"'{id}' is not a {prefix} id ({prefix}- and 8 or 17 lower-case hex digits)", parameter);
        }
    }

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("^[A-Za-z0-9._ -]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SubnetGroupName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9.:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupName();
}
