using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>template.yaml grants what AWS documents and no more: IAM, bucket policies, schedule names, EKS access.</summary>
public sealed class TemplateAccessTests
{
    [Fact]
    public void Template_WhenBucketsAreDeclared_ShouldEachDenyRequestsWithoutTls()
    {
        Assert.Contains(DeploymentFiles.Template.Resources.Values, resource => resource.Type == AccessChecks.BucketType);

        var problems = AccessChecks.BucketsWithoutTlsOnlyPolicy(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Template_WhenPoliciesAreListed_ShouldNameNoFullAccessManagedPolicy()
    {
        var problems = AccessChecks.FullAccessManagedPolicies(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Template_WhenStateMachinesLog_ShouldGrantExactlyTheDocumentedLogDeliveryActions()
    {
        Assert.Contains(StateMachineChecks.StateMachines(DeploymentFiles.Template), machine => machine.Properties["Logging"] is not null);

        var problems = AccessChecks.StateMachinesWithoutExactLogDelivery(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Template_WhenSchedulesAreDeclared_ShouldLeaveTheirNamesToCloudFormation()
    {
        var problems = AccessChecks.SchedulesWithFixedNames(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Template_WhenFlowCallsTheKubernetesApi_ShouldGiveItsRoleAnAccessEntryForTheFlowsGroup()
    {
        var problems = AccessChecks.FlowsWithoutClusterAccess(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Contains(DeploymentFiles.Template.Resources.Values, resource => resource.Type == AccessChecks.AccessEntryType);
    }

    [Fact]
    public void BucketsWithoutTlsOnlyPolicy_WhenPolicyMissesTheObjectsOrTheCondition_ShouldNameTheBuckets()
    {
        var template = Parse("""
            Resources:
              Covered: {Type: AWS::S3::Bucket}
              ObjectsOpen: {Type: AWS::S3::Bucket}
              Unconditional: {Type: AWS::S3::Bucket}
              Bare: {Type: AWS::S3::Bucket}
              CoveredPolicy:
                Type: AWS::S3::BucketPolicy
                Properties:
                  Bucket: !Ref Covered
                  PolicyDocument:
                    Statement:
                      - Effect: Deny
                        Principal: "*"
                        Action: s3:*
                        Resource: [!GetAtt Covered.Arn, !Sub "${Covered.Arn}/*"]
                        Condition: {Bool: {aws:SecureTransport: false}}
              ObjectsOpenPolicy:
                Type: AWS::S3::BucketPolicy
                Properties:
                  Bucket: !Ref ObjectsOpen
                  PolicyDocument:
                    Statement:
                      - Effect: Deny
                        Principal: "*"
                        Action: s3:*
                        Resource: [!GetAtt ObjectsOpen.Arn]
                        Condition: {Bool: {aws:SecureTransport: "false"}}
              UnconditionalPolicy:
                Type: AWS::S3::BucketPolicy
                Properties:
                  Bucket: !Ref Unconditional
                  PolicyDocument:
                    Statement:
                      - Effect: Deny
                        Principal: "*"
                        Action: s3:*
                        Resource: [!GetAtt Unconditional.Arn, !Sub "${Unconditional.Arn}/*"]
            """);

        var problems = AccessChecks.BucketsWithoutTlsOnlyPolicy(template);

        Assert.Equal(["ObjectsOpen", "Unconditional", "Bare"], problems.Select(problem => problem.Split(':')[0]));
    }

    [Fact]
    public void FullAccessManagedPolicies_WhenStateMachineListsCloudWatchLogsFullAccess_ShouldNameIt()
    {
        var template = Parse("""
            Resources:
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Policies: [CloudWatchLogsFullAccess, AWSXrayWriteOnlyAccess]
            """);

        var problem = Assert.Single(AccessChecks.FullAccessManagedPolicies(template));

        Assert.StartsWith("Flow.Policies: managed policy CloudWatchLogsFullAccess", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void StateMachinesWithoutExactLogDelivery_WhenActionIsMissingOrExtra_ShouldListWhatIsGranted()
    {
        var template = Parse("""
            Resources:
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties:
                  Logging: {Level: ERROR}
                  Policies:
                    - Statement:
                        - Effect: Allow
                          Action: [logs:CreateLogDelivery, logs:GetLogDelivery, logs:UpdateLogDelivery, logs:DeleteLogDelivery,
                                   logs:ListLogDeliveries, logs:PutResourcePolicy, logs:DescribeResourcePolicies, logs:PutLogEvents]
                          Resource: "*"
            """);

        var problem = Assert.Single(AccessChecks.StateMachinesWithoutExactLogDelivery(template));

        Assert.Contains("logs:PutLogEvents", problem, StringComparison.Ordinal);
        Assert.StartsWith("Flow: logs actions are [", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SchedulesWithFixedNames_WhenOmitNameIsAbsentOrANameIsSet_ShouldNameTheEvents()
    {
        var template = Parse("""
            Resources:
              Job:
                Type: AWS::Serverless::Function
                Properties:
                  Events:
                    Nightly: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day)}}
                    Named: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day), Name: fixed}}
                    Omitted: {Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day), OmitName: true}}
                    OldStyle: {Type: Schedule, Properties: {Schedule: rate(1 day)}}
            """);

        var problems = AccessChecks.SchedulesWithFixedNames(template);

        Assert.Equal(["Job.Events.Nightly", "Job.Events.Named"], problems.Select(problem => problem.Split(':')[0]));
    }

    [Fact]
    public void FlowsWithoutClusterAccess_WhenEksFlowHasNoEntryOrAnUnconditionalOne_ShouldNameTheProblems()
    {
        using var folder = new TemporaryFolder();
        folder.Write("eks.asl.json", """{"StartAt": "Scale", "States": {"Scale": {"Type": "Task", "Resource": "arn:aws:states:::eks:call", "End": true}}}""");
        folder.Write("plain.asl.json", """{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}""");
        var path = folder.Write("template.yaml", """
            Parameters:
              EksClusterName: {Type: String, Default: ""}
            Resources:
              Scaler:
                Type: AWS::Serverless::StateMachine
                Properties: {DefinitionUri: eks.asl.json}
              Other:
                Type: AWS::Serverless::StateMachine
                Properties: {DefinitionUri: eks.asl.json}
              Plain:
                Type: AWS::Serverless::StateMachine
                Properties: {DefinitionUri: plain.asl.json}
              ScalerAccess:
                Type: AWS::EKS::AccessEntry
                Properties:
                  ClusterName: !Ref EksClusterName
                  PrincipalArn: !GetAtt ScalerRole.Arn
                  Type: STANDARD
                  KubernetesGroups: [system:masters]
            """);

        var problems = AccessChecks.FlowsWithoutClusterAccess(SamTemplate.Load(path));

        Assert.Equal(3, problems.Count);
        Assert.Contains("KubernetesGroups must be exactly [technician-marketplace-dr-flows]", problems[0], StringComparison.Ordinal);
        Assert.Contains("needs a Condition", problems[1], StringComparison.Ordinal);
        Assert.StartsWith(
            "Other: calls arn:aws:states:::eks:call but no AWS::EKS::AccessEntry has PrincipalArn: !GetAtt OtherRole.Arn",
            problems[2],
            StringComparison.Ordinal);
    }

    private static SamTemplate Parse(string yaml) => SamTemplate.Parse(yaml, Path.GetTempPath());
}
