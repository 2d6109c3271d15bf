namespace DisasterRecovery.Lambda;

/// <summary>
/// A function as the hosts see it: JSON bytes in, JSON bytes out. Errors are thrown; the host turns
/// them into the Runtime API's error shape (or, locally, into a Step Functions task failure).
/// </summary>
public interface ILambdaFunction
{
    /// <summary>The function's name (its assembly name, which is also its SAM <c>Handler</c>).</summary>
    string Name { get; }

    Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context);
}

/// <summary>
/// Implemented once per function project by a class the hosts can find: the Runtime API host through
/// the project's <c>Program.cs</c>, the local cloud by looking in the assembly that the template's
/// <c>Handler</c> names.
/// </summary>
public interface ILambdaEntryPoint
{
    /// <summary>Builds the function from its environment variables (the template's <c>Environment</c>).</summary>
    static abstract ILambdaFunction Create(IReadOnlyDictionary<string, string> environment);
}
