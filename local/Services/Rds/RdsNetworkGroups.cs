namespace DisasterRecovery.LocalRds;

/// <summary>
/// A DB subnet group with its VPC, and the VPC security groups, DB parameter groups and option groups that exist
/// beside it, as <see cref="RdsEmulator.DefineNetworkGroupsAsync"/> defines them. It stands in for
/// <c>createDBSubnetGroup</c>, EC2's <c>CreateSecurityGroup</c>, <c>createDBParameterGroup</c> and
/// <c>createOptionGroup</c>, which no flow calls: the emulator only needs to know which groups exist, so that a
/// create or restore naming another one fails as RDS fails it. Every region also has RDS's defaults (subnet group
/// <c>default</c> in the default VPC, that VPC's default security group, <c>default.postgres15</c>,
/// <c>default:postgres-15</c>); each defined VPC has a default security group too, which a create or restore without
/// <c>VpcSecurityGroupIds</c> gets, as RDS does.
/// </summary>
public sealed record RdsNetworkGroups
{
    /// <summary>The subnet group's VPC, e.g. <c>vpc-0decade0000000001</c>.</summary>
    public required string VpcId { get; init; }

    /// <summary>The DB subnet group's name (RDS stores it lower-case).</summary>
    public required string DbSubnetGroupName { get; init; }

    /// <summary>Security groups of <see cref="VpcId"/> an instance in this subnet group may use.</summary>
    public IReadOnlyList<string> VpcSecurityGroupIds { get; init; } = [];

    /// <summary>DB parameter groups (family postgres15) that exist in the region.</summary>
    public IReadOnlyList<string> DbParameterGroupNames { get; init; } = [];

    /// <summary>Option groups (postgres 15) that exist in the region.</summary>
    public IReadOnlyList<string> OptionGroupNames { get; init; } = [];
}
