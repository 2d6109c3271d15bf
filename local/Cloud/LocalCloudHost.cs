using System.Diagnostics;
using DisasterRecovery.LocalCloud.Dispatch;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalCloudWatch;
using DisasterRecovery.LocalEcs;
using DisasterRecovery.LocalEks;
using DisasterRecovery.LocalElastiCache;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRds;
using DisasterRecovery.LocalRoute53;
using DisasterRecovery.LocalS3;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.LocalSfn;
using DisasterRecovery.LocalSns;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud;

/// <summary>How to start a local cloud.</summary>
public sealed record LocalCloudOptions
{
    /// <summary>The SAM template (template.yaml).</summary>
    public required string TemplatePath { get; init; }

    /// <summary>The local cloud's state folder: emulator state and execution records (created if missing).</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Stack name, region and parameter overrides.</summary>
    public StackSettings Settings { get; init; } = new();

    /// <summary>The engine's clock; null means a <see cref="VirtualTimeProvider"/> starting at the current second.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>How long Route 53 changes stay PENDING (60 s when null).</summary>
    public TimeSpan? Route53PropagationDelay { get; init; }

    /// <summary>Randomness for retry jitter; seed it for reproducible runs.</summary>
    public Random? Random { get; init; }

    /// <summary>
    /// Let a virtual clock move on while a <c>.waitForTaskToken</c> task waits (default: it stands still, as if a human
    /// were answering). For a test that holds one execution open on a token while another runs its retries.
    /// </summary>
    public bool AdvanceVirtualClockDuringTaskTokenWaits { get; init; }

    /// <summary>
    /// An S3 endpoint to use (functions get it as AWS_ENDPOINT_URL_S3, Task states reach it through aws-sdk:s3).
    /// <see cref="LocalCloudHost.StartAsync"/> starts a LocalS3 server for it when null; <see cref="LocalCloudHost.Create(LocalCloudOptions)"/> leaves S3 out.
    /// </summary>
    public S3Connection? S3 { get; init; }

    /// <summary>
    /// local/servers' servers.json: the Secrets Manager emulator then gets the secret technician-marketplace/postgres
    /// for that cluster (if absent). Null looks for servers.json beside the state folder (see PlatformEmulators).
    /// </summary>
    public string? LocalServersInfoFile { get; init; }
}

/// <summary>
/// The local cloud, assembled: the template loaded (<see cref="StackLoader"/>), the functions (<see cref="FunctionHost"/>),
/// the service emulators, the dispatcher that routes Task states to them, and the Step Functions engine running the
/// stack's state machines. Executions are recorded in the state folder as they start and when they finish.
/// </summary>
public sealed class LocalCloudHost : IAsyncDisposable
{
    private readonly object _registerGate = new();
    private readonly HashSet<string> _registered = new(StringComparer.Ordinal);
    private IAsyncDisposable? _localS3;

    private LocalCloudHost(LoadedStack stack, string stateDirectory, TimeProvider clock, ServiceEmulatorRegistry emulators, Random? random, S3Connection? s3,
        bool advanceDuringTokenWaits)
    {
        Stack = stack;
        StateDirectory = stateDirectory;
        Clock = clock;
        Emulators = emulators;
        S3 = s3;
        SecretsExtension = new SecretsExtensionEndpoint(SecretsManager.Store);
        Functions = new FunctionHost(stack, platformEnvironment: s3?.FunctionEnvironment(), platformEnvironmentOnDemand: SecretsExtension.FunctionEnvironment);
        Dispatcher = new LocalTaskDispatcher(stack, Functions, emulators, clock);
        Engine = new StateMachineEngine(Dispatcher, clock, new StateMachineEngineOptions
        {
            Region = stack.Region, AccountId = stack.AccountId, Random = random,
            AdvanceVirtualClockDuringTaskTokenWaits = advanceDuringTokenWaits
        });
        Executions = new ExecutionStore(stateDirectory);
        emulators.Register(new SfnEmulator(Engine, Executions));
    }

    public LoadedStack Stack { get; }

    /// <summary>The local cloud's state folder.</summary>
    public string StateDirectory { get; }

    /// <summary>The engine's clock: virtual unless real time was asked for.</summary>
    public TimeProvider Clock { get; }

    /// <summary>True when <see cref="Clock"/> is a virtual clock.</summary>
    public bool IsVirtualClock => Clock is VirtualTimeProvider;

    public ServiceEmulatorRegistry Emulators { get; }

    public FunctionHost Functions { get; }

    public LocalTaskDispatcher Dispatcher { get; }

    public StateMachineEngine Engine { get; }

    public ExecutionStore Executions { get; }

    /// <summary>The S3 endpoint functions and aws-sdk:s3 tasks use, when there is one.</summary>
    public S3Connection? S3 { get; }

    /// <summary>The SNS emulator (messages published by the flows).</summary>
    public SnsEmulator Sns => Emulators.Get<SnsEmulator>();

    /// <summary>The Step Functions emulator (aws-sdk:sfn: describeExecution, stopExecution) over this cloud's executions.</summary>
    public SfnEmulator Sfn => Emulators.Get<SfnEmulator>();

    /// <summary>The Route 53 emulator.</summary>
    public Route53Emulator Route53 => Emulators.Get<Route53Emulator>();

    /// <summary>The CloudWatch emulator.</summary>
    public CloudWatchEmulator CloudWatch => Emulators.Get<CloudWatchEmulator>();

    /// <summary>The RDS emulator's adapter (state in <c>&lt;state&gt;/rds</c>); the emulator itself opens on first use.</summary>
    public RdsServiceEmulator Rds => Emulators.Get<RdsServiceEmulator>();

    /// <summary>The RDS emulator, opened now if no rds call has opened it yet (local/servers' cluster adopted when its servers.json is known).</summary>
    /// <exception cref="LocalCloudException">It cannot be opened (no PostgreSQL 15, unusable state folder, adoption failed).</exception>
    public Task<DisasterRecovery.LocalRds.RdsEmulator> GetRdsAsync(CancellationToken cancellationToken = default) => Rds.GetAsync(cancellationToken);

    /// <summary>The Secrets Manager emulator (secrets.json).</summary>
    public SecretsManagerEmulator SecretsManager => Emulators.Get<SecretsManagerEmulator>();

    /// <summary>The EKS emulator (eks.json): the cluster the application's deployment runs on.</summary>
    public EksEmulator Eks => Emulators.Get<EksEmulator>();

    /// <summary>The Parameters and Secrets extension's endpoint the functions read secrets from (started on first use).</summary>
    public SecretsExtensionEndpoint SecretsExtension { get; }

    /// <summary>Loads the template and assembles everything; S3 only if <see cref="LocalCloudOptions.S3"/> names an endpoint.</summary>
    /// <exception cref="StackLoadException">The template cannot be run locally.</exception>
    public static LocalCloudHost Create(LocalCloudOptions options) => Create(options, StackLoader.Load(options.TemplatePath, options.Settings), options.S3);

    /// <summary>
    /// Loads the template and assembles everything, with S3: the given endpoint, or a LocalS3 server started in-process
    /// over <c>&lt;state&gt;/s3</c> (stopped by <see cref="DisposeAsync"/>). The template's buckets are created in it, as a
    /// deployment would create them.
    /// </summary>
    public static async Task<LocalCloudHost> StartAsync(LocalCloudOptions options, CancellationToken cancellationToken = default)
    {
        var stack = StackLoader.Load(options.TemplatePath, options.Settings);
        var standIn = await StartPlatformStandInAsync(options, stack, cancellationToken).ConfigureAwait(false);
        LocalCloudHost host;
        try
        {
            if (standIn is not null)
            {
                stack = StackLoader.Load(options.TemplatePath,
                    options.Settings.WithOverride(LocalParameterValues.ServiceHealthUrl, standIn.HealthUrl.ToString()));
            }

            IAsyncDisposable? server = null;
            var s3 = options.S3;
            if (s3 is null)
            {
                var localS3 = await DisasterRecovery.LocalS3.LocalS3Server.StartAsync(new DisasterRecovery.LocalS3.LocalS3Options
                {
                    StateDirectory = Path.Combine(options.StateDirectory, "s3"),
                    Port = 0,
                    Region = stack.Region,
                    RequestLog = null,
                }, cancellationToken).ConfigureAwait(false);
                server = localS3;
                s3 = new S3Connection(localS3.Endpoint, localS3.AccessKeyId, localS3.SecretAccessKey, localS3.Region);
            }

            host = Create(options, stack, s3);
            host._localS3 = server;
        }
        catch when (standIn is not null)
        {
            await standIn.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (standIn is not null)
        {
            standIn.Follow(Platform.LocalPlatformState.Of(host));
            host.PlatformStandIn = standIn;
        }

        try
        {
            await host.CreateBucketsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

    /// <summary>
    /// The platform stand-in <see cref="StartAsync"/> started because the template's ServiceHealthUrl asked for it (see
    /// <see cref="LocalParameterValues"/>), following this cloud's emulators; null otherwise.
    /// </summary>
    public Platform.LocalPlatformStandIn? PlatformStandIn { get; private set; }

    /// <summary>Stops the in-process LocalS3 server and the platform stand-in, if this host started them, and the secrets extension endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        if (PlatformStandIn is { } standIn)
        {
            PlatformStandIn = null;
            await standIn.DisposeAsync().ConfigureAwait(false);
        }

        await SecretsExtension.DisposeAsync().ConfigureAwait(false);
        if (Emulators.Find("s3") is IDisposable s3)
        {
            s3.Dispose();
        }

        if (Emulators.Find("elasticache") is IAsyncDisposable elastiCache)
        {
            await elastiCache.DisposeAsync().ConfigureAwait(false); // its redis-server processes
        }

        if (Emulators.Find("rds") is RdsServiceEmulator rds)
        {
            await rds.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _localS3, null) is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The stand-in, when the stack's ServiceHealthUrl asks for it and local/servers' servers.json is known.</summary>
    private static async Task<Platform.LocalPlatformStandIn?> StartPlatformStandInAsync(LocalCloudOptions options, LoadedStack stack,
        CancellationToken cancellationToken)
    {
        var serversJson = options.LocalServersInfoFile ?? Platform.PlatformEmulators.ServersJsonBeside(options.StateDirectory);
        if (!LocalParameterValues.WantsPlatformStandIn(stack) || serversJson is null || !File.Exists(serversJson))
        {
            return null;
        }

        return await Platform.LocalPlatformStandIn.StartAsync(Platform.LocalServersInfo.Read(serversJson), null, 0, cancellationToken).ConfigureAwait(false);
    }

    private static LocalCloudHost Create(LocalCloudOptions options, LoadedStack stack, S3Connection? s3)
    {
        Directory.CreateDirectory(options.StateDirectory);
        var clock = options.Clock ?? new VirtualTimeProvider(StartOfCurrentSecond());
        var emulators = new ServiceEmulatorRegistry();
        emulators.Register(new SnsEmulator(arn => stack.FindTopic(arn) is not null, Path.Combine(options.StateDirectory, "sns.json")));
        emulators.Register(new Route53Emulator(Path.Combine(options.StateDirectory, "route53.json"), options.Route53PropagationDelay));
        var rds = new RdsServiceEmulator(Path.Combine(options.StateDirectory, "rds"), stack.Region, stack.AccountId,
            options.LocalServersInfoFile ?? Platform.PlatformEmulators.ServersJsonBeside(options.StateDirectory))
        { ManagedSecrets = new SecretsManagerForRds(emulators) };
        emulators.Register(
            new CloudWatchEmulator(Path.Combine(options.StateDirectory, "cloudwatch.json")) { ServiceMetrics = new RdsMetricsForCloudWatch(rds) });
        emulators.Register(rds);
        Platform.PlatformEmulators.Register(emulators, options.StateDirectory, stack, clock, options.LocalServersInfoFile);
        if (s3 is not null)
        {
            emulators.Register(new S3Emulator(s3));
        }

        emulators.Register(new ElastiCacheEmulator(new()
        { StateDirectory = Path.Combine(options.StateDirectory, "elasticache"), AccountId = stack.AccountId, S3 = s3 }));
        var secretStore = emulators.Get<SecretsManagerEmulator>().Store;
        emulators.Register(new EcsEmulator(stack.Region, stack.AccountId, stack.TaskDefinitions, secretStore, s3?.FunctionEnvironment()));

        return new LocalCloudHost(stack, Path.GetFullPath(options.StateDirectory), clock, emulators, options.Random, s3,
            options.AdvanceVirtualClockDuringTaskTokenWaits);
    }

    /// <summary>
    /// What bringing buckets of an earlier run in line with the template changed (versioning, Object Lock), one sentence
    /// each; empty when every bucket was new or already as declared. local/dr prints them.
    /// </summary>
    public IReadOnlyList<string> BucketChanges { get; private set; } = [];

    /// <summary>Creates the template's buckets as declared, or brings those of an earlier run in line (see <see cref="Buckets.BucketProvisioner"/>).</summary>
    private async Task CreateBucketsAsync(CancellationToken cancellationToken)
    {
        if (S3 is null || Stack.Buckets.Count == 0)
        {
            return;
        }

        using var client = S3.CreateClient();
        var provisioner = new Buckets.BucketProvisioner(client, Path.Combine(StateDirectory, "s3"));
        var changes = new List<string>();
        foreach (var bucket in Stack.Buckets)
        {
            changes.AddRange(await provisioner.ApplyAsync(bucket, cancellationToken).ConfigureAwait(false));
        }

        BucketChanges = changes;
    }

    /// <summary>The current second, UTC: where a virtual clock starts, so its timestamps read like today's.</summary>
    public static DateTimeOffset StartOfCurrentSecond()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>A state machine of the stack by logical id, name or ARN.</summary>
    /// <exception cref="LocalCloudException">Listing the state machines the template defines.</exception>
    public StateMachineDefinition FindStateMachine(string idNameOrArn) =>
        Stack.FindStateMachine(idNameOrArn) ?? throw new LocalCloudException(
            $"no state machine '{idNameOrArn}' in {Path.GetFileName(Stack.TemplatePath)} (state machines: " +
                $"{StackLoader.Names(Stack.StateMachines.Select(m => m.LogicalId))})");

    /// <summary>Starts an execution and records it as RUNNING; returns its ARN.</summary>
    /// <exception cref="LocalCloudException">Unknown machine, invalid name, or the name is taken.</exception>
    /// <exception cref="StackLoadException">The machine uses something the local cloud cannot run.</exception>
    public string StartExecution(string stateMachine, string? input, string? name = null)
    {
        var machine = FindStateMachine(stateMachine);
        Register(machine);
        name ??= Guid.NewGuid().ToString();
        if (ExecutionStore.NameProblem(name) is { } problem)
        {
            throw new LocalCloudException($"InvalidName: execution name '{name}' {problem}");
        }

        var executionArn = $"arn:aws:states:{Stack.Region}:{Stack.AccountId}:execution:{machine.Name}:{name}";
        if (Executions.Exists(executionArn))
        {
            throw new LocalCloudException($"ExecutionAlreadyExists: Execution already exists: '{executionArn}' (see local/dr describe-execution)");
        }

        string started;
        try
        {
            started = Engine.StartExecution(machine.Arn, input, name);
        }
        catch (StepFunctionsApiException e)
        {
            throw new LocalCloudException($"{e.ErrorCode}: {e.Message}", e);
        }

        Save(machine, started, null);
        return started;
    }

    /// <summary>Waits for an execution started here, records its final state and returns the record.</summary>
    public async Task<ExecutionDocument> WaitForExecutionAsync(string executionArn, CancellationToken cancellationToken = default)
    {
        var wall = Stopwatch.StartNew();
        await Engine.WaitForExecutionAsync(executionArn, cancellationToken).ConfigureAwait(false);
        var machine = Stack.StateMachines.First(m => m.Arn == Engine.DescribeExecution(executionArn).StateMachineArn);
        return Save(machine, executionArn, wall.Elapsed);
    }

    /// <summary>Starts an execution and waits for it.</summary>
    public async Task<ExecutionDocument> RunExecutionAsync(string stateMachine, string? input, string? name = null,
        CancellationToken cancellationToken = default)
    {
        var wall = Stopwatch.StartNew();
        var executionArn = StartExecution(stateMachine, input, name);
        await Engine.WaitForExecutionAsync(executionArn, cancellationToken).ConfigureAwait(false);
        var machine = FindStateMachine(stateMachine);
        return Save(machine, executionArn, wall.Elapsed);
    }

    private void Register(StateMachineDefinition machine)
    {
        lock (_registerGate)
        {
            if (_registered.Contains(machine.Arn))
            {
                return;
            }

            DefinitionChecker.Require(machine, Stack, Emulators);
            var arn =
                Engine.CreateStateMachine(machine.Name, machine.Definition, $"arn:aws:iam::{Stack.AccountId}:role/{Stack.StackName}-{machine.LogicalId}Role");
            Debug.Assert(arn == machine.Arn, "the engine and the loader agree on state machine ARNs");
            _registered.Add(machine.Arn);
        }
    }

    private ExecutionDocument Save(StateMachineDefinition machine, string executionArn, TimeSpan? wallTime)
    {
        var description = Engine.DescribeExecution(executionArn);
        var document = new ExecutionDocument
        {
            ExecutionArn = description.ExecutionArn,
            StateMachineArn = description.StateMachineArn,
            StateMachineLogicalId = machine.LogicalId,
            Name = description.Name,
            Status = description.Status.ToApiName(),
            StartDate = AwsHistoryFormat.Timestamp(description.StartDate),
            StopDate = description.StopDate is { } stop ? AwsHistoryFormat.Timestamp(stop) : null,
            Input = description.Input,
            Output = description.Output,
            Error = description.Error,
            Cause = description.Cause,
            Clock = IsVirtualClock ? "virtual" : "system",
            WallTimeMilliseconds = wallTime is { } wall ? Math.Round(wall.TotalMilliseconds, 1) : null,
            Events = new System.Text.Json.Nodes.JsonArray(Engine.GetExecutionHistory(executionArn)
                .Select(e => (System.Text.Json.Nodes.JsonNode?)AwsHistoryFormat.Event(e, Stack.Region)).ToArray()),
        };
        Executions.Save(document);
        return document;
    }
}
