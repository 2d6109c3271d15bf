using DisasterRecovery.Audit;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditVerify;

/// <summary>Adapter: runs the chain check, which logs the verdict. A broken chain is returned, not thrown.</summary>
public sealed class AuditVerifyHandler(AuditChainCheck check) : ILambdaHandler<AuditVerifyRequest, AuditChainReport>
{
    public Task<AuditChainReport> HandleAsync(AuditVerifyRequest input, ILambdaContext context) =>
        check.RunAsync(context.Logger, context.CancellationToken);
}
