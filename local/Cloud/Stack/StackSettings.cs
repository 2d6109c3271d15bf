namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>How the template is instantiated locally: the values `sam deploy` would get from samconfig and the CLI.</summary>
public sealed record StackSettings
{
    /// <summary>The account id in every local ARN (LocalStack's convention, so no real account is ever named).</summary>
    public const string LocalAccountId = "000000000000";

    /// <summary>
    /// Stack name used in generated names and <c>AWS::StackName</c>; null reads samconfig.toml (the
    /// <see cref="ConfigEnvironment"/>'s, then the default environment's), then falls back to <c>local</c>.
    /// </summary>
    public string? StackName { get; init; }

    /// <summary>
    /// The samconfig.toml environment (<c>sam deploy --config-env</c>) whose stack name and <c>parameter_overrides</c>
    /// apply before <see cref="ParameterOverrides"/>: <see cref="SamConfig.LocalEnvironment"/> by default, whose values
    /// point at local things. Null reads no environment's parameters (the template's defaults only).
    /// </summary>
    public string? ConfigEnvironment { get; init; } = SamConfig.LocalEnvironment;

    /// <summary>Region for ARNs and <c>AWS::Region</c>; null derives it from the RegionRole parameter (primary → us-east-1, dr → us-west-2).</summary>
    public string? Region { get; init; }

    /// <summary>
    /// Parameter values that replace the template's defaults and the samconfig environment's, as
    /// <c>--parameter-overrides Key=Value</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> ParameterOverrides { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The account id in ARNs.</summary>
    public string AccountId { get; init; } = LocalAccountId;

    /// <summary>These settings with one more parameter override (replacing one of the same name).</summary>
    public StackSettings WithOverride(string name, string value) => this with
    {
        ParameterOverrides = new Dictionary<string, string>(ParameterOverrides, StringComparer.Ordinal) { [name] = value },
    };

    /// <summary>Parses <c>Key=Value</c> pairs (SAM's <c>--parameter-overrides</c> format, optional quotes around the value).</summary>
    /// <exception cref="StackLoadException">A pair has no '=' or an empty key, or a key is repeated.</exception>
    public static IReadOnlyDictionary<string, string> ParseOverrides(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var cut = pair.IndexOf('=', StringComparison.Ordinal);
            if (cut <= 0)
            {
                throw new StackLoadException($"--parameter-overrides: '{pair}' is not Key=Value");
            }

            var key = pair[..cut].Trim();
            var value = pair[(cut + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            if (!result.TryAdd(key, value))
            {
                throw new StackLoadException($"--parameter-overrides: {key} is given twice");
            }
        }

        return result;
    }
}
