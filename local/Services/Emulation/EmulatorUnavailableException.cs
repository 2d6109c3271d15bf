namespace DisasterRecovery.LocalEmulation;

/// <summary>
/// An emulator that could not be opened (a program it needs is missing, its state folder is unusable); the message
/// says which and why. The local cloud reports it like its own errors; a Task that needed the service fails with
/// States.Runtime.
/// </summary>
public sealed class EmulatorUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
