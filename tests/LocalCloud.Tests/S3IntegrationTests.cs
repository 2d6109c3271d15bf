using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>aws-sdk:s3 tasks and functions against the in-process LocalS3 endpoint the local cloud starts.</summary>
public sealed class S3IntegrationTests
{
    private const string Bucket = """
          ReportBucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: drill-reports

        """;

    [Fact]
    public async Task S3Tasks_WhenTheTemplateDeclaresABucket_ShouldPutAndGetObjectsInTheLocalEndpoint()
    {
        using var folder = new TempFolder();
        var machine = """
            {
              "StartAt": "Write Report",
              "States": {
                "Write Report": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                  "Parameters": { "Bucket": "drill-reports", "Key": "2025/report.json", "Body.$": "States.JsonToString($.report)",
                    "ContentType": "application/json" },
                  "ResultPath": "$.put", "Next": "Read Report" },
                "Read Report": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                  "Parameters": { "Bucket": "drill-reports", "Key": "2025/report.json" }, "ResultSelector": { "body.$": "$.Body",
                    "length.$": "$.ContentLength" },
                  "ResultPath": "$.read", "Next": "Read Missing" },
                "Read Missing": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                  "Parameters": { "Bucket": "drill-reports", "Key": "missing.json" },
                  "Catch": [ { "ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.missing", "Next": "Done" } ], "End": true },
                "Done": { "Type": "Succeed" }
              }
            }
            """;
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Reports"] = machine }, Bucket);
        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = template, StateDirectory = folder.Path + "/state", Clock = new VirtualTimeProvider(),
        });

        var execution = await cloud.RunExecutionAsync("Reports", """{"report": {"restored": true}}""");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Error}: {execution.Cause}");
        var output = TestCloud.Json(execution.Output);
        Assert.Equal("""{"restored":true}""", output["read"]!["body"]!.GetValue<string>());
        Assert.Equal(17, output["read"]!["length"]!.GetValue<long>());
        Assert.Equal("S3.NoSuchKeyException", output["missing"]!["Error"]!.GetValue<string>());
        using var client = cloud.S3!.CreateClient();
        var listed = await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = "drill-reports" });
        Assert.Equal("2025/report.json", Assert.Single(listed.S3Objects).Key);
    }

    [Fact]
    public async Task FunctionEnvironment_WhenTheLocalCloudRunsLocalS3_ShouldPointFunctionsAtIt()
    {
        using var folder = new TempFolder();
        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = TestCloud.RepositoryTemplate, StateDirectory = folder.Path, Clock = new VirtualTimeProvider(),
        });

        var environment = cloud.Functions.EnvironmentOf(cloud.Functions.Find("HealthCheckFunction"));

        Assert.Equal(cloud.S3!.Endpoint.ToString(), environment["AWS_ENDPOINT_URL_S3"]);
        Assert.Equal(cloud.S3.AccessKeyId, environment["AWS_ACCESS_KEY_ID"]);
        Assert.Equal("us-east-1", environment["AWS_REGION"]);
        Assert.Equal("technician-marketplace-dr-HealthCheckFunction", environment["AWS_LAMBDA_FUNCTION_NAME"]);
        using var client = cloud.S3.CreateClient();
        var buckets = (await client.ListBucketsAsync()).Buckets.Select(b => b.BucketName).ToList();
        Assert.All(cloud.Stack.Buckets, b => Assert.Contains(b.BucketName, buckets));
    }
}
