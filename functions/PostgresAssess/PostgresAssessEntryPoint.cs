using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>Wires the function from <c>DB_SECRET_ID</c> (required) and the secrets extension's variables.</summary>
public sealed class PostgresAssessEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(new EnvironmentSettings(environment).Required("DB_SECRET_ID", "the production database's Secrets Manager secret"), SecretsExtensionClient.FromEnvironment(environment));

    /// <summary>The same, with a given secret source (tests).</summary>
    public static ILambdaFunction Create(string defaultSecretId, ISecretSource secrets) =>
        new LambdaFunction<PostgresAssessRequest, PostgresAssessResult>(
            "PostgresAssess",
            new PostgresAssessHandler(secrets, defaultSecretId, new DatabaseAssessor(TimeProvider.System)),
            PostgresAssessJsonContext.Default.PostgresAssessRequest,
            PostgresAssessJsonContext.Default.PostgresAssessResult);
}
