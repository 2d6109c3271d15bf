namespace DisasterRecovery.LocalRds.Api;

/// <summary>
/// How Step Functions spells RDS names. Its AWS SDK integration goes through the AWS SDK for Java v2 and
/// uses that SDK's member names, capitalized; the SDK lower-cases only the leading run of capitals
/// (codegen <c>Utils.unCapitalize</c>), so the API's <c>DBInstanceIdentifier</c> is <c>DbInstanceIdentifier</c>
/// while <c>TargetDBInstanceIdentifier</c> keeps its inner "DB" and <c>MultiAZ</c> is unchanged.
/// </summary>
public static class SdkNames
{
    /// <summary>The Step Functions spelling of an RDS API member name, as the AWS RDS API Reference spells it.</summary>
    public static string ToStepFunctionsName(string modelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        var chars = modelName.ToCharArray();
        var i = 0;
        do
        {
            chars[i] = char.ToLowerInvariant(chars[i]);
            i++;
        }
        while (i < chars.Length && char.IsUpper(chars[i]) && !(i < chars.Length - 1 && char.IsLower(chars[i + 1])));

        chars[0] = char.ToUpperInvariant(chars[0]);
        return new string(chars);
    }
}
