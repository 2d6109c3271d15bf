using System.Text.RegularExpressions;

namespace DisasterRecovery.TestSupport.AwsModels;

/// <summary>
/// How Step Functions spells the names of an AWS API in an <c>arn:aws:states:::aws-sdk:&lt;service&gt;:&lt;action&gt;</c> Task.
/// Step Functions calls AWS through the AWS SDK for Java v2 and uses that SDK's names, so these rules are the Java v2
/// code generator's (aws/aws-sdk-java-v2, <c>codegen/.../naming/DefaultNamingStrategy.java</c>, <c>internal/Utils.java</c>,
/// <c>utils/.../CodegenNamingUtils.java</c>), with the documented Step Functions spelling on top ("Learning to use AWS
/// service SDK integrations": action camelCase, fields PascalCase, errors <c>ServiceName.ErrorName</c> with the
/// <c>Exception</c> suffix always present, <c>Equals</c> fields as <c>EqualsValue</c>).
/// Per-service renames in the Java SDK's customization files are not applied: none touches the services we call.
/// </summary>
public static partial class StepFunctionsNaming
{
    /// <summary>Java keywords and the method names a generated structure reserves; a member with one of these names gets a <c>Value</c> suffix.</summary>
    private static readonly HashSet<string> ReservedMemberNames = new(StringComparer.Ordinal)
    {
        "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue", "default", "do",
        "double", "else", "enum", "extends", "false", "final", "finally", "float", "for", "goto", "if", "implements", "import",
        "instanceof", "int", "interface", "long", "native", "new", "null", "package", "private", "protected", "public", "return",
        "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "true", "try",
        "void", "volatile", "while",
        "equals", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait", "builder", "sdkFields", "toBuilder",
        "overrideConfiguration", "sdkHttpResponse",
    };

    /// <summary>
    /// The action in the resource ARN: the operation name with its first letter lower-cased
    /// (<c>DescribeDBInstances</c> → <c>describeDBInstances</c>).
    /// </summary>
    public static string Action(string operationName)
    {
        ArgumentException.ThrowIfNullOrEmpty(operationName);
        return char.ToLowerInvariant(operationName[0]) + operationName[1..];
    }

    /// <summary>
    /// A request or response field: the Java v2 member name (<c>Utils.unCapitalize</c>: only the leading run of capitals is
    /// lower-cased, the last one kept when a lower-case letter follows; a reserved name gets <c>Value</c>), first letter
    /// capitalised. <c>DBInstanceIdentifier</c> → <c>DbInstanceIdentifier</c>, <c>SourceDBInstanceIdentifier</c> and
    /// <c>MultiAZ</c> unchanged, <c>TTL</c> → <c>Ttl</c>, <c>ARN</c> → <c>Arn</c>, <c>Equals</c> → <c>EqualsValue</c>.
    /// </summary>
    public static string Member(string modelMemberName)
    {
        var variable = UnCapitalize(modelMemberName);
        if (ReservedMemberNames.Contains(variable) || ReservedMemberNames.Contains(variable.ToLowerInvariant()))
        {
            variable = UnCapitalize(variable + "Value");
        }

        return char.ToUpperInvariant(variable[0]) + variable[1..];
    }

    /// <summary>
    /// The Java v2 exception class of an error shape (<c>getExceptionName</c>): a <c>Fault</c> suffix becomes <c>Exception</c>,
    /// an <c>Exception</c> suffix stays, anything else gets one; the rest is PascalCased word by word.
    /// <c>DBInstanceNotFoundFault</c> → <c>DbInstanceNotFoundException</c>, <c>NoSuchKey</c> → <c>NoSuchKeyException</c>.
    /// </summary>
    public static string Exception(string errorShapeName)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorShapeName);
        if (errorShapeName.EndsWith("Fault", StringComparison.Ordinal))
        {
            return PascalCase(errorShapeName[..^"Fault".Length]) + "Exception";
        }

        return errorShapeName.EndsWith("Exception", StringComparison.Ordinal) ? PascalCase(errorShapeName) : PascalCase(errorShapeName) + "Exception";
    }

    /// <summary>
    /// The Java v2 service name (<c>getServiceName</c>): the model's <c>serviceId</c> PascalCased, without a leading
    /// <c>Amazon</c>/<c>Aws</c> or a trailing <c>Service</c>. It prefixes the service's errors in Step Functions:
    /// <c>RDS</c> → <c>Rds</c>, <c>Secrets Manager</c> → <c>SecretsManager</c>, <c>ACM PCA</c> → <c>AcmPca</c>.
    /// </summary>
    public static string ServiceName(string serviceId)
    {
        var name = PascalCase(serviceId);
        name = name.StartsWith("Amazon", StringComparison.Ordinal) ? name["Amazon".Length..] : name;
        name = name.StartsWith("Aws", StringComparison.Ordinal) ? name["Aws".Length..] : name;
        return name.EndsWith("Service", StringComparison.Ordinal) ? name[..^"Service".Length] : name;
    }

    /// <summary>Java v2's <c>Utils.unCapitalize</c>.</summary>
    public static string UnCapitalize(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var chars = name.ToCharArray();
        var i = 0;
        do
        {
            chars[i] = char.ToLowerInvariant(chars[i]);
            i++;
        }
        while (i < chars.Length && char.IsUpper(chars[i]) && !(i < chars.Length - 1 && char.IsLower(chars[i + 1])));

        return new string(chars);
    }

    /// <summary>Java v2's <c>CodegenNamingUtils.pascalCase</c>: split on word boundaries, each word lower-cased and capitalised.</summary>
    public static string PascalCase(string word) =>
        string.Concat(SplitOnWordBoundaries(word).Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));

    /// <summary>Java v2's <c>CodegenNamingUtils.splitOnWordBoundaries</c>.</summary>
    public static string[] SplitOnWordBoundaries(string toSplit)
    {
        var result = NonAlphanumeric().Replace(toSplit, " ");
        result = VersionAfterCapitals().Replace(result, "$1 v$2 ");
        result = VersionAfterLowers().Replace(result, "$1 V$2 ");
        result = string.Join(' ', CamelBoundary().Split(result));
        result = AcronymBoundary().Replace(result, "$1 $2");
        result = DigitThenLetter().Replace(result, "$1 $2");
        result = Spaces().Replace(result, " ").Trim();
        return result.Split(' ');
    }

    [GeneratedRegex("[^A-Za-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonAlphanumeric();

    [GeneratedRegex("([^a-z]{2,})v([0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionAfterCapitals();

    [GeneratedRegex("([^A-Z]{2,})V([0-9]+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionAfterLowers();

    [GeneratedRegex("(?<=[a-z])(?=[A-Z](?:[a-zA-Z]|[0-9]))", RegexOptions.CultureInvariant)]
    private static partial Regex CamelBoundary();

    [GeneratedRegex("([A-Z]+)([A-Z][a-z])", RegexOptions.CultureInvariant)]
    private static partial Regex AcronymBoundary();

    [GeneratedRegex("([0-9])([a-zA-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex DigitThenLetter();

    [GeneratedRegex(" +", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
