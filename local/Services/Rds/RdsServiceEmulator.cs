using System.Text.Json.Nodes;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalStepFunctions.Errors;

namespace DisasterRecovery.LocalRds;

/// <summary>
/// The local cloud's <c>rds</c> service: a Task calling <c>arn:aws:states:::aws-sdk:rds:&lt;action&gt;</c> reaches the
/// <see cref="RdsEmulator"/> beside it (local/Services/Rds), where every DB instance is a real PostgreSQL 15 cluster. The emulator is
/// opened lazily, on the first rds call (or <see cref="GetAsync"/>): a stack that never calls RDS starts no cluster.
/// When local/servers' servers.json is given and exists, its cluster is adopted as <c>technician-marketplace</c>
/// (the first adoption into a state folder takes a base backup). RDS errors come out as Step Functions reports them:
/// <c>Rds.DbInstanceNotFoundException</c> and the like; calls the emulator itself refuses as <c>States.Runtime</c>.
/// </summary>
public sealed class RdsServiceEmulator : IServiceEmulator, IAsyncDisposable
{
    private readonly string? _serversInfoFile;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private RdsEmulator? _emulator;
    private StreamWriter? _log;
    private bool _disposed;

    /// <param name="stateDirectory">The emulator's state folder (state.json, clusters, backups, WAL archives), e.g. <c>&lt;state&gt;/rds</c>.</param>
    /// <param name="region">The stack's region: calls without another region go there.</param>
    /// <param name="accountId">The stack's account, in ARNs.</param>
    /// <param name="serversInfoFile">local/servers' servers.json; its cluster is adopted when the file exists. Null adopts nothing.</param>
    public RdsServiceEmulator(string stateDirectory, string region, string accountId, string? serversInfoFile)
    {
        StateDirectory = Path.GetFullPath(stateDirectory);
        Region = region;
        AccountId = accountId;
        _serversInfoFile = serversInfoFile;
    }

    /// <inheritdoc />
    public string ServiceName => "rds";

    /// <inheritdoc />
    public string ErrorPrefix => "Rds";

    /// <inheritdoc />
    public IReadOnlyCollection<string> Actions => RdsApiCatalog.ImplementedActions;

    /// <summary>The emulator's state folder.</summary>
    public string StateDirectory { get; }

    /// <summary>The region calls go to.</summary>
    public string Region { get; }

    /// <summary>The account in ARNs.</summary>
    public string AccountId { get; }

    /// <summary>The emulator's operation log (one JSON line each; passwords are never logged).</summary>
    public string LogFile => Path.Combine(StateDirectory, "rds.log");

    /// <summary>
    /// Faults to inject into the rds calls of executions, for tests: <c>FaultInjector.Throttle(3, caller: "Describe Side
    /// Instance Before Cleanup")</c> answers that Task state's next three calls with RDS's Throttling
    /// (<c>Rds.RdsException</c>); <c>EndProvisioningIn("pitr-x", "restore-error")</c> makes that restore fail.
    /// </summary>
    public RdsFaultInjector FaultInjector { get; } = new();

    /// <summary>Where instances created with ManageMasterUserPassword keep their master secret (the local cloud's Secrets Manager).</summary>
    public IRdsManagedSecrets? ManagedSecrets { get; init; }

    /// <summary>True once the emulator has been opened.</summary>
    public bool IsOpen => Volatile.Read(ref _emulator) is not null;

    /// <inheritdoc />
    public StructureShape? InputShape(string action) => RdsApiCatalog.RequestShape(action);

    /// <summary>
    /// The emulator, opened on first use: clusters of earlier runs started again, local/servers' cluster adopted when
    /// its servers.json exists. A failed opening is not remembered; the next call tries again.
    /// </summary>
    /// <exception cref="EmulatorUnavailableException">PostgreSQL 15 is missing, the state folder is unusable, or adoption failed.</exception>
    public async Task<RdsEmulator> GetAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _emulator) is { } open)
        {
            return open;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_emulator is not null)
            {
                return _emulator;
            }

            Directory.CreateDirectory(StateDirectory);
            _log ??= new StreamWriter(LogFile, append: true) { AutoFlush = true };
            RdsEmulator? emulator = null;
            try
            {
                emulator = await RdsEmulator.OpenAsync(new RdsEmulatorOptions
                {
                    StateDirectory = StateDirectory,
                    DefaultRegion = Region,
                    AccountId = AccountId,
                    Logger = new JsonLogger("LocalRds", _log, TimeProvider.System),
                    FaultInjector = FaultInjector,
                    ManagedSecrets = ManagedSecrets,
                }, cancellationToken).ConfigureAwait(false);
                if (_serversInfoFile is not null && File.Exists(_serversInfoFile))
                {
                    await emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(_serversInfoFile), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (emulator is not null)
                {
                    await emulator.DisposeAsync().ConfigureAwait(false);
                }

                throw new EmulatorUnavailableException(
                    $"the local RDS emulator could not be opened on {StateDirectory}" +
                    (_serversInfoFile is null ? string.Empty : $" (adopting the cluster of {_serversInfoFile})") + $": {e.Message}", e);
            }
            catch (OperationCanceledException)
            {
                if (emulator is not null)
                {
                    await emulator.DisposeAsync().ConfigureAwait(false);
                }

                throw;
            }

            Volatile.Write(ref _emulator, emulator);
            return emulator;
        }
        finally
        {
            _opening.Release();
        }
    }

    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(string action, JsonObject parameters, ServiceCallContext context, CancellationToken cancellationToken)
    {
        RdsEmulator rds;
        try
        {
            rds = await GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EmulatorUnavailableException or ObjectDisposedException)
        {
            throw new TaskFailedException(ErrorNames.Runtime, e.Message);
        }

        try
        {
            return await rds.CallAsync(context.Region, action, parameters, context.StateName, cancellationToken).ConfigureAwait(false);
        }
        catch (RdsEmulatorException e) when (e.ExceptionName is { } exceptionName)
        {
            // The dispatcher prefixes it: Rds.<ExceptionName>, Cause "<message> (Service: Rds, Status Code: …, Request ID: …)".
            throw new ServiceErrorException(exceptionName, e.Message, e.StatusCode);
        }
        catch (RdsEmulatorException e)
        {
            // A call Step Functions itself would refuse, or a feature the emulator lacks: States.Runtime.
            throw new TaskFailedException(e.ErrorName, e.Cause);
        }
    }

    /// <summary>Stops the emulator if it was opened (every cluster it started; an adopted cluster keeps running).</summary>
    public async ValueTask DisposeAsync()
    {
        await _opening.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (Interlocked.Exchange(ref _emulator, null) is { } emulator)
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
            }

            if (_log is not null)
            {
                await _log.DisposeAsync().ConfigureAwait(false);
                _log = null;
            }
        }
        finally
        {
            _opening.Release();
        }
    }
}
