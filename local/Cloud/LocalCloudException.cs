namespace DisasterRecovery.LocalCloud;

/// <summary>A request the local cloud cannot carry out (unknown machine, bad input file, …); the message says what and why.</summary>
public sealed class LocalCloudException(string message, Exception? inner = null) : Exception(message, inner);
