namespace DisasterRecovery.Lambda;

/// <summary>
/// A function's typed entry: one input record in, one output record out. The Runtime API host, the
/// tests and the local cloud all call it through <see cref="LambdaFunction{TInput,TOutput}"/>.
/// </summary>
public interface ILambdaHandler<in TInput, TOutput>
{
    Task<TOutput> HandleAsync(TInput input, ILambdaContext context);
}
