using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalCloudWatch;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRoute53;
using DisasterRecovery.LocalS3;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.LocalSns;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The local cloud's emulators against AWS's own models (botocore), in Step Functions' spelling: every action they
/// implement exists, every parameter they accept is a member of the request with a compatible type, the members AWS
/// requires they require (and no others), errors carry the service's prefix, and every field of every answer is a
/// member of the response. Each action is called once for its answer. EKS (an optimized integration, not an SDK
/// API) and RDS (local/Services/Rds, tested in LocalRds.Tests) are judged elsewhere.
/// </summary>
public sealed class EmulatorModelShapeTests
{
    private static readonly ServiceCallContext Context = new(TimeProvider.System, "us-east-1", "000000000000", null, null);

    public static TheoryData<string> Services => ["sns", "route53", "cloudwatch", "s3", "secretsmanager"];

    [SkippableTheory]
    [MemberData(nameof(Services))]
    public void RequestShapes_WhenComparedWithTheModel_ShouldAcceptOnlyWhatAwsAccepts(string service)
    {
        var model = BotocoreModels.Require().RequireService(service);
        using var folder = new TempFolder();
        var emulator = Emulators(folder).Single(e => e.ServiceName == service);
        var problems = new List<string>();

        if (emulator.ErrorPrefix != model.ErrorPrefix)
        {
            problems.Add($"{service}: errors are prefixed {emulator.ErrorPrefix}, Step Functions prefixes them {model.ErrorPrefix}");
        }

        foreach (var action in emulator.Actions.Order(StringComparer.Ordinal))
        {
            if (model.Operation(action) is not { } operation)
            {
                problems.Add($"{service}:{action}: not an action of {model.ServiceId}");
                continue;
            }

            problems.AddRange(ModelConformance.RequestProblems($"{service}:{action}", Declared(emulator.InputShape(action)!), operation.Input));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [SkippableFact]
    public async Task Responses_WhenEverySnsCloudWatchAndSecretsManagerActionIsCalled_ShouldHaveOnlyModelledFields()
    {
        var models = BotocoreModels.Require();
        using var folder = new TempFolder();
        var emulators = Emulators(folder);
        // A data point to return: the shape of Datapoints is checked, not only the empty answer.
        emulators.OfType<CloudWatchEmulator>().Single()
            .SetServiceMetric("AWS/RDS", "FreeStorageSpace", new Dictionary<string, string> { ["DBInstanceIdentifier"] = "db" }, 1e9);
        var calls = new List<(string Service, string Action, JsonObject Parameters)>
        {
            ("sns", "publish", new() { ["TopicArn"] = "arn:aws:sns:us-east-1:000000000000:alerts", ["Message"] = "hello" }),
            ("sns", "publish", new() { ["TopicArn"] = "arn:aws:sns:us-east-1:000000000000:alerts.fifo", ["Message"] = "hello", ["MessageGroupId"] = "g" }),
            ("cloudwatch", "putMetricData", new()
            {
                ["Namespace"] = "DR",
                    ["MetricData"] = new JsonArray(new JsonObject { ["MetricName"] = "RecoverySeconds", ["Value"] = 12, ["Unit"] = "Seconds" }),
            }),
            ("cloudwatch", "getMetricStatistics", new()
            {
                ["Namespace"] = "AWS/RDS", ["MetricName"] = "FreeStorageSpace",
                ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "DBInstanceIdentifier", ["Value"] = "db" }),
                ["StartTime"] = "2026-12-07T00:00:00Z", ["EndTime"] = "2026-12-07T00:05:00Z", ["Period"] = 300,
                ["Statistics"] = new JsonArray("Minimum", "SampleCount"), ["Unit"] = "Bytes",
            }),
            ("secretsmanager", "createSecret", new() { ["Name"] = "app/db", ["SecretString"] = "{}", ["Description"] = "d",
                ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "k", ["Value"] = "v" }) }),
            ("secretsmanager", "putSecretValue", new() { ["SecretId"] = "app/db", ["SecretString"] = "{\"a\":1}" }),
            ("secretsmanager", "getSecretValue", new() { ["SecretId"] = "app/db" }),
            ("secretsmanager", "describeSecret", new() { ["SecretId"] = "app/db" }),
        };

        var problems = await CallAllAsync(models, emulators, calls);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        AssertEveryActionCalled(emulators.Where(e => e.ServiceName is "sns" or "cloudwatch" or "secretsmanager"), calls);
    }

    [SkippableFact]
    public async Task Responses_WhenEveryRoute53ActionIsCalled_ShouldHaveOnlyModelledFields()
    {
        var models = BotocoreModels.Require();
        using var folder = new TempFolder();
        var emulators = Emulators(folder);
        var route53 = emulators.OfType<Route53Emulator>().Single();
        var zone = (await route53.InvokeAsync("createHostedZone", new JsonObject
        {
            ["Name"] = "drill.example.com", ["CallerReference"] = "private",
            ["Vpc"] = new JsonObject { ["VpcRegion"] = "us-east-1", ["VpcId"] = "vpc-1" },
            ["HostedZoneConfig"] = new JsonObject { ["Comment"] = "c", ["PrivateZone"] = true },
        }, Context, CancellationToken.None))!;
        var zoneId = zone["HostedZone"]!["Id"]!.GetValue<string>();
        var recordSet = new JsonObject
        {
            ["Name"] = "api.drill.example.com", ["Type"] = "A", ["Ttl"] = 60,
            ["ResourceRecords"] = new JsonArray(new JsonObject { ["Value"] = "192.0.2.1" })
        };
        var alias = new JsonObject
        {
            ["Name"] = "www.drill.example.com", ["Type"] = "A",
            ["AliasTarget"] = new JsonObject { ["HostedZoneId"] = "Z2", ["DnsName"] = "lb.example.net", ["EvaluateTargetHealth"] = false },
        };
        var change = (await route53.InvokeAsync("changeResourceRecordSets", new JsonObject
        {
            ["HostedZoneId"] = zoneId,
            ["ChangeBatch"] = new JsonObject
            {
                ["Comment"] = "c",
                ["Changes"] = new JsonArray(
                    new JsonObject { ["Action"] = "CREATE", ["ResourceRecordSet"] = recordSet },
                    new JsonObject { ["Action"] = "CREATE", ["ResourceRecordSet"] = alias }),
            },
        }, Context, CancellationToken.None))!;
        var calls = new List<(string Service, string Action, JsonObject Parameters)>
        {
            ("route53", "createHostedZone", new() { ["Name"] = "public.example.com", ["CallerReference"] = "public" }),
            ("route53", "getHostedZone", new() { ["Id"] = zoneId }),
            ("route53", "listHostedZones", new() { ["MaxItems"] = "1" }),
            ("route53", "getChange", new() { ["Id"] = change["ChangeInfo"]!["Id"]!.GetValue<string>() }),
            ("route53", "listResourceRecordSets", new() { ["HostedZoneId"] = zoneId, ["MaxItems"] = "2" }),
            ("route53", "changeResourceRecordSets", new()
            {
                ["HostedZoneId"] = zoneId,
                ["ChangeBatch"] = new JsonObject
                {
                    ["Changes"] = new JsonArray(
                        new JsonObject { ["Action"] = "DELETE", ["ResourceRecordSet"] = recordSet.DeepClone() },
                        new JsonObject { ["Action"] = "DELETE", ["ResourceRecordSet"] = alias.DeepClone() }),
                },
            }),
            ("route53", "deleteHostedZone", new() { ["Id"] = zoneId }),
        };

        var problems = ModelConformance.ResponseProblems("route53:createHostedZone", zone,
            models.RequireService("route53").Operation("createHostedZone")!.Output).ToList();
        problems.AddRange(ModelConformance.ResponseProblems("route53:changeResourceRecordSets", change,
            models.RequireService("route53").Operation("changeResourceRecordSets")!.Output));
        problems.AddRange(await CallAllAsync(models, emulators, calls));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        AssertEveryActionCalled([route53], calls);
    }

    [SkippableFact]
    public async Task Responses_WhenEveryS3ActionIsCalledOnTheLocalEndpoint_ShouldHaveOnlyModelledFields()
    {
        var models = BotocoreModels.Require();
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>());
        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = template, StateDirectory = folder.Path + "/state", Clock = new VirtualTimeProvider(),
        });
        var s3 = cloud.Emulators.Find("s3")!;
        var calls = new List<(string Service, string Action, JsonObject Parameters)>
        {
            ("s3", "createBucket", new() { ["Bucket"] = "shapes" }),
            ("s3", "headBucket", new() { ["Bucket"] = "shapes" }),
            ("s3", "putObject", new() { ["Bucket"] = "shapes", ["Key"] = "a/b.json", ["Body"] = "{}", ["ContentType"] = "application/json",
                ["Metadata"] = new JsonObject { ["owner"] = "dr" } }),
            ("s3", "headObject", new() { ["Bucket"] = "shapes", ["Key"] = "a/b.json" }),
            ("s3", "getObject", new() { ["Bucket"] = "shapes", ["Key"] = "a/b.json" }),
            ("s3", "listObjectsV2", new() { ["Bucket"] = "shapes", ["Delimiter"] = "/" }),
            ("s3", "listObjectsV2", new() { ["Bucket"] = "shapes", ["Prefix"] = "a/" }),
            ("s3", "deleteObject", new() { ["Bucket"] = "shapes", ["Key"] = "a/b.json" }),
        };

        var problems = await CallAllAsync(models, [s3], calls);

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        AssertEveryActionCalled([s3], calls);
    }

    [SkippableFact]
    public void RequestProblems_WhenAShapeAcceptsAnUnknownMemberAndMissesARequiredOne_ShouldReportEach()
    {
        var publish = BotocoreModels.Require().RequireService("sns").Operation("publish")!;
        var declared = Declared(Shape.Structure(
            Member.Req("TopicArn", Shape.String),
            Member.Opt("Message", Shape.String),
            Member.Opt("Colour", Shape.String),
            Member.Opt("Subject", Shape.Integer)));

        var problems = ModelConformance.RequestProblems("sns:publish", declared, publish.Input);

        Assert.Equal(
            [
                "sns:publish.Colour: the emulator accepts it, but PublishInput has no such member",
                "sns:publish.Subject: the emulator takes integer, the model string",
                "sns:publish.Message: PublishInput requires it, the emulator does not",
                "sns:publish.TopicArn: the emulator requires it, PublishInput does not",
            ],
            problems);
    }

    [SkippableFact]
    public void ResponseProblems_WhenAnAnswerHasAnUnmodelledOrMistypedField_ShouldReportEach()
    {
        var getChange = BotocoreModels.Require().RequireService("route53").Operation("getChange")!;
        var answer =
            new JsonObject { ["ChangeInfo"] = new JsonObject { ["Id"] = "/change/C1", ["Status"] = "INSYNC", ["SubmittedAt"] = 5, ["Colour"] = "red" } };

        var problems = ModelConformance.ResponseProblems("route53:getChange", answer, getChange.Output);

        Assert.Equal(
            [
                "route53:getChange.ChangeInfo.SubmittedAt: the emulator returns number 5, the model says timestamp",
                "route53:getChange.ChangeInfo.Colour: the emulator returns it, but ChangeInfo has no such member",
            ],
            problems);
    }

    /// <summary>A local cloud emulator's request shape in the form the model comparison takes.</summary>
    internal static DeclaredShape Declared(Shape shape) => shape switch
    {
        StructureShape structure => new DeclaredShape(
            "structure",
            structure.Members.ToDictionary(m => m.Name, m => Declared(m.Shape), StringComparer.Ordinal),
            structure.Members.Where(m => m.Required).Select(m => m.Name).ToHashSet(StringComparer.Ordinal),
            null),
        _ when ReferenceEquals(shape, Shape.Any) => DeclaredShape.Scalar("any"),
        _ when shape.Item is { } item => DeclaredShape.Of(shape.IsMap ? "map" : "list", Declared(item)),
        _ => DeclaredShape.Scalar(shape.TypeName.ToLowerInvariant()),
    };

    /// <summary>The emulators whose shapes are judged here, on state files in <paramref name="folder"/> (S3's endpoint is not contacted).</summary>
    private static IReadOnlyList<IServiceEmulator> Emulators(TempFolder folder) =>
    [
        new SnsEmulator(_ => true, Path.Combine(folder.Path, "sns.json")),
        new Route53Emulator(Path.Combine(folder.Path, "route53.json")),
        new CloudWatchEmulator(Path.Combine(folder.Path, "cloudwatch.json")),
        new S3Emulator(new S3Connection(new Uri("http://127.0.0.1:9/"), "key", "secret", "us-east-1")),
        new SecretsManagerEmulator(new SecretStore(Path.Combine(folder.Path, "secrets.json"), "us-east-1", "000000000000", TimeProvider.System)),
    ];

    private static async Task<List<string>> CallAllAsync(
        BotocoreModels models, IEnumerable<IServiceEmulator> emulators, IEnumerable<(string Service, string Action, JsonObject Parameters)> calls)
    {
        var byService = emulators.ToDictionary(e => e.ServiceName, StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (service, action, parameters) in calls)
        {
            var response = await byService[service].InvokeAsync(action, parameters, Context, CancellationToken.None);
            var operation = models.RequireService(service).Operation(action)
                ?? throw new InvalidOperationException($"{service}:{action} is not in the model (the request test reports it)");
            problems.AddRange(ModelConformance.ResponseProblems($"{service}:{action}", response, operation.Output));
        }

        return problems;
    }

    private static void AssertEveryActionCalled(IEnumerable<IServiceEmulator> emulators,
        IEnumerable<(string Service, string Action, JsonObject Parameters)> calls)
    {
        var called = calls.Select(c => $"{c.Service}:{c.Action}").ToHashSet(StringComparer.Ordinal);
        var implemented = emulators.SelectMany(e => e.Actions.Select(a => $"{e.ServiceName}:{a}")).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(implemented.Except(called).Order(StringComparer.Ordinal));
    }
}
