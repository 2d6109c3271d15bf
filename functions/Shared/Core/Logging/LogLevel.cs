namespace DisasterRecovery.Core.Logging;

/// <summary>Severity of a log line; written in upper case as Lambda's JSON log format does.</summary>
public enum LogLevel
{
    Debug,
    Info,
    Warn,
    Error,
}
