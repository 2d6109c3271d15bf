using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// The official SAM JSON Schema (draft-04, from aws/serverless-application-model), loaded with NJsonSchema.
/// A template that fails it fails <c>sam validate</c> too.
/// </summary>
internal sealed class SamSchema
{
    private static readonly Lazy<Task<SamSchema>> Shared = new(() => LoadAsync(DeploymentFiles.SamSchemaPath));

    private readonly JsonSchema schema;

    private SamSchema(JsonSchema schema)
    {
        this.schema = schema;
    }

    /// <summary>The schema in shared/, loaded once for all tests.</summary>
    public static Task<SamSchema> SharedAsync() => Shared.Value;

    /// <summary>Loads a schema file; a missing file is an error that says where it was looked for.</summary>
    public static async Task<SamSchema> LoadAsync(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The SAM schema was looked for at {path} (<repository>/../shared/schemas/sam.schema.json) and is not there; "
                + "the deployment tests need the shared/ folder beside the repository.",
                path);
        }

        return new SamSchema(await JsonSchema.FromFileAsync(path));
    }

    /// <summary>Every schema error in a template document, one line each: the path, the kind of error, the property.</summary>
    public IReadOnlyList<string> Validate(JsonObject document)
    {
        // Parse without Json.NET's date guessing: "2010-09-09" must stay the string it is.
        using var reader = new JsonTextReader(new StringReader(document.ToJsonString())) { DateParseHandling = DateParseHandling.None };
        var token = JToken.Load(reader);
        var lines = new List<string>();
        foreach (var error in schema.Validate(token))
        {
            Describe(error, lines);
        }

        return lines;
    }

    /// <summary>
    /// Flattens an error. A resource matches one of the schema's resource kinds (anyOf), so for an anyOf or
    /// oneOf failure only the branches written for this resource's Type are described, not the other eleven.
    /// </summary>
    private static void Describe(ValidationError error, List<string> lines)
    {
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            var relevant = child.Errors.Values.Where(branch => !branch.Any(IsTypeMismatch)).ToList();
            if (relevant.Count > 0)
            {
                foreach (var branchError in relevant.SelectMany(branch => branch))
                {
                    Describe(branchError, lines);
                }

                return;
            }
        }

        lines.Add($"{error.Path}: {error.Kind}{(error.Property is null ? "" : $" ({error.Property})")}");
    }

    private static bool IsTypeMismatch(ValidationError error) =>
        error.Property == "Type" && error.Kind is ValidationErrorKind.NotInEnumeration or ValidationErrorKind.PatternMismatch;
}
