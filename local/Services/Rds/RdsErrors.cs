namespace DisasterRecovery.LocalRds;

/// <summary>
/// Every error the emulator raises, in one place: the names are a contract with the state machines'
/// <c>ErrorEquals</c>. Step Functions names an SDK integration's error <c>&lt;Service&gt;.&lt;Exception&gt;</c> after
/// the AWS SDK for Java v2 exception class (RDS model fault <c>DBInstanceNotFoundFault</c> becomes
/// <c>DbInstanceNotFoundException</c>). RDS errors the model does not declare (InvalidParameterValue,
/// InvalidParameterCombination, MissingParameter, Throttling) reach a workflow as the SDK's base exception, <c>Rds.RdsException</c>.
/// </summary>
public static class RdsErrors
{
    /// <summary>The base RDS exception: undeclared RDS errors (InvalidParameterValue/Combination, MissingParameter, Throttling).</summary>
    public const string RdsException = "Rds.RdsException";

    public const string DbInstanceNotFound = "Rds.DbInstanceNotFoundException";
    public const string DbInstanceAlreadyExists = "Rds.DbInstanceAlreadyExistsException";
    public const string InvalidDbInstanceState = "Rds.InvalidDbInstanceStateException";
    public const string DbSnapshotNotFound = "Rds.DbSnapshotNotFoundException";
    public const string DbSnapshotAlreadyExists = "Rds.DbSnapshotAlreadyExistsException";
    public const string InvalidDbSnapshotState = "Rds.InvalidDbSnapshotStateException";
    public const string PointInTimeRestoreNotEnabled = "Rds.PointInTimeRestoreNotEnabledException";
    public const string InvalidRestore = "Rds.InvalidRestoreException";
    public const string DbInstanceAutomatedBackupNotFound = "Rds.DbInstanceAutomatedBackupNotFoundException";
    public const string DbSubnetGroupNotFound = "Rds.DbSubnetGroupNotFoundException";
    public const string DbParameterGroupNotFound = "Rds.DbParameterGroupNotFoundException";
    public const string OptionGroupNotFound = "Rds.OptionGroupNotFoundException";

    /// <summary>
    /// What a call that Step Functions itself would refuse fails with. AWS rejects an unknown action or field when the
    /// state machine is created (SCHEMA_VALIDATION_FAILED, "The field X is not supported by Step Functions"); at run
    /// time the closest equivalent is the terminal States.Runtime, which no Retry or Catch handles, so the mistake
    /// stops the execution instead of being swallowed by a cleanup branch. Features this emulator does not implement
    /// fail the same way, for the same reason.
    /// </summary>
    public const string StatesRuntime = "States.Runtime";

    internal static RdsEmulatorException InvalidParameterValue(string message) =>
        new(RdsException, "InvalidParameterValue", 400, message);

    internal static RdsEmulatorException InvalidParameterCombination(string message) =>
        new(RdsException, "InvalidParameterCombination", 400, message);

    internal static RdsEmulatorException MissingParameter(string name) =>
        new(RdsException, "MissingParameter", 400, $"The request must contain the parameter {name}");

    internal static RdsEmulatorException InstanceNotFound(string identifier) =>
        new(DbInstanceNotFound, "DBInstanceNotFound", 404, $"DBInstance {identifier} not found.");

    internal static RdsEmulatorException InstanceAlreadyExists() =>
        new(DbInstanceAlreadyExists, "DBInstanceAlreadyExists", 400, "DB instance already exists");

    internal static RdsEmulatorException InstanceState(string message) =>
        new(InvalidDbInstanceState, "InvalidDBInstanceState", 400, message);

    internal static RdsEmulatorException SnapshotNotFound(string identifier) =>
        new(DbSnapshotNotFound, "DBSnapshotNotFound", 404, $"DBSnapshot {identifier} not found.");

    internal static RdsEmulatorException SnapshotAlreadyExists(string identifier) =>
        new(DbSnapshotAlreadyExists, "DBSnapshotAlreadyExists", 400,
            $"Cannot create the snapshot because a snapshot with the identifier {identifier} already exists.");

    internal static RdsEmulatorException SnapshotState(string message) =>
        new(InvalidDbSnapshotState, "InvalidDBSnapshotState", 400, message);

    internal static RdsEmulatorException PointInTimeNotEnabled(string identifier) =>
        new(PointInTimeRestoreNotEnabled, "PointInTimeRestoreNotEnabled", 400,
            $"Source DB instance {identifier} does not have automated backups enabled or has no automated backup yet.");

    internal static RdsEmulatorException Restore(string message) =>
        new(InvalidRestore, "InvalidRestore", 400, message);

    internal static RdsEmulatorException AutomatedBackupNotFound(string what) =>
        new(DbInstanceAutomatedBackupNotFound, "DBInstanceAutomatedBackupNotFound", 404, $"No automated backup found for {what}.");

    internal static RdsEmulatorException UnknownSubnetGroup(string name) =>
        new(DbSubnetGroupNotFound, "DBSubnetGroupNotFoundFault", 404, $"DBSubnetGroup {name} not found.");

    internal static RdsEmulatorException UnknownParameterGroup(string name) =>
        new(DbParameterGroupNotFound, "DBParameterGroupNotFound", 404, $"DBParameterGroup not found: {name}");

    internal static RdsEmulatorException UnknownOptionGroup(string name) =>
        new(OptionGroupNotFound, "OptionGroupNotFoundFault", 404, $"Specified OptionGroupName: {name} not found.");

    /// <summary>RDS's request throttling (HTTP 400, code Throttling): not in the model, so Rds.RdsException.</summary>
    internal static RdsEmulatorException Throttling() =>
        new(RdsException, "Throttling", 400, "Rate exceeded");

    internal static RdsEmulatorException Runtime(string cause) => new(StatesRuntime, null, 0, cause);

    internal static RdsEmulatorException NotImplemented(string what) =>
        Runtime($"{what} is not implemented by the local RDS emulator (local/Services/Rds); it would work against AWS, " +
            "so the flow cannot be tested locally as written.");
}
