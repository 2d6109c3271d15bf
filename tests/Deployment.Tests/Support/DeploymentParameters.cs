namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>Parameter values a production stack is deployed with (made-up identifiers of the right shapes).</summary>
internal static class DeploymentParameters
{
    /// <summary>The parameters that have no usable default: an empty value means "not configured".</summary>
    public static readonly IReadOnlyList<string> RequiredForProduction =
    [
        "ServiceHealthUrl", "EksClusterName", "EksEndpoint", "EksCertificateAuthority", "DatabaseSubnetIds", "DatabaseClientSecurityGroupId",
    ];

    /// <summary>The primary region's stack with every parameter of <see cref="RequiredForProduction"/> given.</summary>
    public static readonly IReadOnlyDictionary<string, string> Production = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EnvironmentName"] = "production",
        ["RegionRole"] = "primary",
        ["ServiceHealthUrl"] = "https://api.technician-marketplace.com/health",
        ["EksClusterName"] = "technician-marketplace",
        ["EksEndpoint"] = "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com",
        ["EksCertificateAuthority"] = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
        ["DatabaseSubnetIds"] = "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
        ["DatabaseClientSecurityGroupId"] = "sg-0123456789abcdef0",
    };
}
