using DisasterRecovery.Core;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>Which database to assess (plan §3.1 step 1); default the production secret's.</summary>
public sealed record PostgresAssessRequest : IValidatable
{
    /// <summary>The database; default <c>{"secretId": DB_SECRET_ID}</c>.</summary>
    public DatabaseConnection? Database { get; init; }

    public void Validate() => Database?.Validate("database");
}
