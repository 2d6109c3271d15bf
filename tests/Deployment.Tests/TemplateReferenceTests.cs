using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.LocalCloud.Template;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>What template.yaml refers to exists, and every Output says what it is.</summary>
public sealed class TemplateReferenceTests
{
    [Fact]
    public void Template_WhenReferencesAreResolved_ShouldNameOnlyResourcesParametersAndPseudoParameters()
    {
        var problems = TemplateChecks.UndefinedReferences(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Template_WhenConditionsAreUsed_ShouldAllBeDefined()
    {
        var problems = TemplateChecks.UndefinedConditions(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Template_WhenOutputsAreListed_ShouldEachHaveDescription()
    {
        Assert.NotEmpty(DeploymentFiles.Template.Outputs);

        var problems = TemplateChecks.OutputsWithoutDescription(DeploymentFiles.Template);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void UndefinedReferences_WhenRefAndGetAttNameNothing_ShouldReportEachWithItsPath()
    {
        var template = Parse("""
            Parameters:
              Env: {Type: String}
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Properties:
                  DisplayName: !Ref Environment
                  TopicName: !Ref Env
                  KmsMasterKeyId: !GetAtt Key.Arn
                  Tags:
                    - {Key: region, Value: !Ref AWS::Region}
                    - {Key: self, Value: !GetAtt [Topic, TopicName]}
            """);

        var problems = TemplateChecks.UndefinedReferences(template);

        Assert.Equal(
            [
                "Resources.Topic.Properties.DisplayName: Ref 'Environment' is not a resource, parameter or pseudo parameter",
                "Resources.Topic.Properties.KmsMasterKeyId: Fn::GetAtt names 'Key', which is not a resource",
            ],
            problems);
    }

    [Fact]
    public void UndefinedReferences_WhenSubPlaceholdersNameNothing_ShouldReportThem()
    {
        var template = Parse("""
            Resources:
              Queue: {Type: AWS::SQS::Queue}
              Topic:
                Type: AWS::SNS::Topic
                Properties:
                  DisplayName: !Sub "${AWS::StackName}-${Stage}-${Queue.QueueName}-${Missing.Arn}"
            """);

        var problems = TemplateChecks.UndefinedReferences(template);

        Assert.Equal(
            [
                "Resources.Topic.Properties.DisplayName: Fn::Sub ${Stage} is not a resource, parameter, pseudo parameter or Fn::Sub variable",
                "Resources.Topic.Properties.DisplayName: Fn::Sub ${Missing.Arn} gets an attribute of 'Missing', which is not a resource",
            ],
            problems);
    }

    [Fact]
    public void UndefinedReferences_WhenSubUsesVariablesPseudoParametersAndEscapes_ShouldAcceptThem()
    {
        var template = Parse("""
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Properties:
                  DisplayName: !Sub
                    - "${Prefix}-${AWS::Region}-${!NotAPlaceholder}-${Topic.TopicName}"
                    - Prefix: !Ref AWS::AccountId
            """);

        var problems = TemplateChecks.UndefinedReferences(template);

        Assert.Empty(problems);
    }

    [Fact]
    public void UndefinedConditions_WhenIfResourceAndNestedConditionNameNothing_ShouldReportEach()
    {
        var template = Parse("""
            Parameters:
              Role: {Type: String}
            Conditions:
              IsPrimary: !Equals [!Ref Role, primary]
              IsPrimaryAndProd: !And [!Condition IsPrimary, !Condition IsProd]
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Condition: IsStaging
                Properties:
                  DisplayName: !If [IsDr, dr, primary]
                  Policy:
                    Condition: {StringEquals: {aws:SourceAccount: "123"}}
            Outputs:
              Arn: {Description: d, Value: !Ref Topic, Condition: IsPrimary}
            """);

        var problems = TemplateChecks.UndefinedConditions(template);

        Assert.Equal(
            [
                "Resources.Topic.Condition: condition 'IsStaging' is not defined in Conditions",
                "Conditions.IsPrimaryAndProd.Fn::And[1].Condition: condition 'IsProd' is not defined in Conditions",
                "Resources.Topic.Properties.DisplayName.Fn::If: condition 'IsDr' is not defined in Conditions",
            ],
            problems);
    }

    [Fact]
    public void OutputsWithoutDescription_WhenOutputHasNone_ShouldReportIt()
    {
        var template = Parse("""
            Resources:
              Topic: {Type: AWS::SNS::Topic}
            Outputs:
              Described: {Description: The topic., Value: !Ref Topic}
              Bare: {Value: !Ref Topic}
              Blank: {Description: " ", Value: !Ref Topic}
            """);

        var problems = TemplateChecks.OutputsWithoutDescription(template);

        Assert.Equal(["Outputs.Bare: no Description", "Outputs.Blank: no Description"], problems);
    }

    [Fact]
    public void UndefinedReferences_WhenGetAttNamesARoleSamGenerates_ShouldAcceptItOnlyWhereSamGeneratesIt()
    {
        var template = Parse("""
            Resources:
              Flow:
                Type: AWS::Serverless::StateMachine
                Properties: {DefinitionUri: flow.asl.json}
              OwnRoleFlow:
                Type: AWS::Serverless::StateMachine
                Properties: {DefinitionUri: flow.asl.json, Role: arn:aws:iam::123456789012:role/flows}
              Access:
                Type: AWS::EKS::AccessEntry
                Properties:
                  ClusterName: cluster
                  PrincipalArn: !GetAtt FlowRole.Arn
                  Username: !GetAtt OwnRoleFlowRole.Arn
                  Tags: [{Key: topic, Value: !GetAtt TopicRole.Arn}]
            """);

        var problems = TemplateChecks.UndefinedReferences(template);

        Assert.Equal(
            [
                "Resources.Access.Properties.Username: Fn::GetAtt names 'OwnRoleFlowRole', which is not a resource",
                "Resources.Access.Properties.Tags[0].Value: Fn::GetAtt names 'TopicRole', which is not a resource",
            ],
            problems);
    }

    [Fact]
    public void UndefinedReferences_WhenRefNamesAPublishedVersion_ShouldAcceptItOnlyForAFunctionWithAutoPublishAlias()
    {
        var template = Parse("""
            Resources:
              Published:
                Type: AWS::Serverless::Function
                Properties: {PackageType: Image, AutoPublishAlias: live}
              Unpublished:
                Type: AWS::Serverless::Function
                Properties: {PackageType: Image}
              Settings:
                Type: AWS::CloudFormation::CustomResource
                Properties:
                  ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:resolver
                  Version: !Ref Published.Version
                  Alias: !Ref Published.Alias
                  Other: !Ref Unpublished.Version
            """);

        var problems = TemplateChecks.UndefinedReferences(template);

        Assert.Equal(["Resources.Settings.Properties.Other: Ref 'Unpublished.Version' is not a resource, parameter or pseudo parameter"], problems);
    }

    private static SamTemplate Parse(string yaml) => SamTemplate.Parse(yaml, Path.GetTempPath());
}
