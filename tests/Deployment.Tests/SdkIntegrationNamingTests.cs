using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>Step Functions' spelling of AWS names (the AWS SDK for Java v2's code generator), and the models read through it.</summary>
public sealed class SdkIntegrationNamingTests
{
    [Theory]
    [InlineData("DBInstanceIdentifier", "DbInstanceIdentifier")]
    [InlineData("SourceDBInstanceIdentifier", "SourceDBInstanceIdentifier")]
    [InlineData("TargetDBInstanceIdentifier", "TargetDBInstanceIdentifier")]
    [InlineData("MultiAZ", "MultiAZ")]
    [InlineData("DBInstances", "DbInstances")]
    [InlineData("CACertificateIdentifier", "CaCertificateIdentifier")]
    [InlineData("IAMDatabaseAuthenticationEnabled", "IamDatabaseAuthenticationEnabled")]
    [InlineData("TTL", "Ttl")]
    [InlineData("ARN", "Arn")]
    [InlineData("DNSName", "DnsName")]
    [InlineData("VPCId", "VpcId")]
    [InlineData("ETag", "ETag")]
    [InlineData("Equals", "EqualsValue")]
    [InlineData("Default", "DefaultValue")]
    [InlineData("RestoreTime", "RestoreTime")]
    public void Member_WhenModelNameIsGiven_ShouldSpellItAsTheJavaSdkDoesCapitalised(string model, string expected)
    {
        Assert.Equal(expected, StepFunctionsNaming.Member(model));
    }

    [Theory]
    [InlineData("DBInstanceNotFoundFault", "DbInstanceNotFoundException")]
    [InlineData("InvalidDBInstanceStateFault", "InvalidDbInstanceStateException")]
    [InlineData("DBSnapshotAlreadyExistsFault", "DbSnapshotAlreadyExistsException")]
    [InlineData("NoSuchKey", "NoSuchKeyException")]
    [InlineData("ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData("KMSAccessDeniedException", "KmsAccessDeniedException")]
    [InlineData("EC2ThrottledException", "Ec2ThrottledException")]
    public void Exception_WhenErrorShapeIsGiven_ShouldNameTheJavaExceptionClass(string shape, string expected)
    {
        Assert.Equal(expected, StepFunctionsNaming.Exception(shape));
    }

    [Theory]
    [InlineData("RDS", "Rds")]
    [InlineData("Secrets Manager", "SecretsManager")]
    [InlineData("Route 53", "Route53")]
    [InlineData("ACM PCA", "AcmPca")]
    [InlineData("CloudWatch", "CloudWatch")]
    [InlineData("S3", "S3")]
    [InlineData("SNS", "Sns")]
    public void ServiceName_WhenServiceIdIsGiven_ShouldBeTheErrorPrefix(string serviceId, string expected)
    {
        Assert.Equal(expected, StepFunctionsNaming.ServiceName(serviceId));
    }

    [SkippableFact]
    public void Service_WhenRdsModelIsLoaded_ShouldExposeActionsShapesAndErrorsInStepFunctionsSpelling()
    {
        var rds = BotocoreModels.Require().RequireService("rds");

        var describe = rds.Operation("describeDBInstances");

        Assert.NotNull(describe);
        Assert.Equal("Rds.RdsException", rds.GenericErrorName);
        Assert.Contains("Rds.DbInstanceNotFoundException", describe.ErrorNames);
        Assert.Contains("Rds.InvalidDbInstanceStateException", rds.ErrorNames);
        Assert.Contains("DbInstanceIdentifier", describe.Input.Members.Keys);
        Assert.Equal("DBInstanceIdentifier", describe.Input.ModelName("DbInstanceIdentifier"));
        var instance = describe.Output.Members["DbInstances"].Item!;
        Assert.Equal("structure DBInstance", instance.ToString());
        Assert.Equal("integer", instance.Members["Endpoint"].Members["Port"].Type);
        Assert.Contains("SourceRegion", rds.Operation("copyDBSnapshot")!.Input.Members.Keys);
        Assert.Equal(["TargetDBInstanceIdentifier"], rds.Operation("restoreDBInstanceToPointInTime")!.Input.Required);
    }

    [SkippableFact]
    public void Service_WhenNameIsNotABotocoreService_ShouldBeNull()
    {
        Assert.Null(BotocoreModels.Require().Service("no-such-service"));
    }
}
