using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Model;

/// <summary>A top-level Choice Rule: a condition and the state to go to when it holds.</summary>
public sealed record ChoiceRule(ChoiceCondition Condition, string Next);

/// <summary>A (possibly nested) boolean condition of a Choice Rule.</summary>
public abstract class ChoiceCondition;

/// <summary><c>And</c>: every nested condition holds.</summary>
public sealed class AndCondition(IReadOnlyList<ChoiceCondition> conditions) : ChoiceCondition
{
    /// <summary>Nested conditions.</summary>
    public IReadOnlyList<ChoiceCondition> Conditions { get; } = conditions;
}

/// <summary><c>Or</c>: at least one nested condition holds.</summary>
public sealed class OrCondition(IReadOnlyList<ChoiceCondition> conditions) : ChoiceCondition
{
    /// <summary>Nested conditions.</summary>
    public IReadOnlyList<ChoiceCondition> Conditions { get; } = conditions;
}

/// <summary><c>Not</c>: the nested condition does not hold.</summary>
public sealed class NotCondition(ChoiceCondition condition) : ChoiceCondition
{
    /// <summary>The negated condition.</summary>
    public ChoiceCondition Condition { get; } = condition;
}

/// <summary>The comparison operators; each binary one also exists with a <c>Path</c> suffix.</summary>
public enum ComparisonOperator
{
    /// <summary>StringEquals.</summary>
    StringEquals,

    /// <summary>StringLessThan.</summary>
    StringLessThan,

    /// <summary>StringGreaterThan.</summary>
    StringGreaterThan,

    /// <summary>StringLessThanEquals.</summary>
    StringLessThanEquals,

    /// <summary>StringGreaterThanEquals.</summary>
    StringGreaterThanEquals,

    /// <summary>StringMatches (<c>*</c> wildcard, <c>\*</c> and <c>\\</c> escapes; no Path variant).</summary>
    StringMatches,

    /// <summary>NumericEquals.</summary>
    NumericEquals,

    /// <summary>NumericLessThan.</summary>
    NumericLessThan,

    /// <summary>NumericGreaterThan.</summary>
    NumericGreaterThan,

    /// <summary>NumericLessThanEquals.</summary>
    NumericLessThanEquals,

    /// <summary>NumericGreaterThanEquals.</summary>
    NumericGreaterThanEquals,

    /// <summary>BooleanEquals.</summary>
    BooleanEquals,

    /// <summary>TimestampEquals.</summary>
    TimestampEquals,

    /// <summary>TimestampLessThan.</summary>
    TimestampLessThan,

    /// <summary>TimestampGreaterThan.</summary>
    TimestampGreaterThan,

    /// <summary>TimestampLessThanEquals.</summary>
    TimestampLessThanEquals,

    /// <summary>TimestampGreaterThanEquals.</summary>
    TimestampGreaterThanEquals,

    /// <summary>IsNull.</summary>
    IsNull,

    /// <summary>IsPresent (the only test that tolerates a missing Variable).</summary>
    IsPresent,

    /// <summary>IsNumeric.</summary>
    IsNumeric,

    /// <summary>IsString.</summary>
    IsString,

    /// <summary>IsBoolean.</summary>
    IsBoolean,

    /// <summary>IsTimestamp.</summary>
    IsTimestamp,
}

/// <summary>A comparison of <see cref="Variable"/> against a literal <see cref="Value"/> or another path <see cref="ValuePath"/>.</summary>
public sealed class ComparisonCondition : ChoiceCondition
{
    private readonly JsonNode? _value;

    /// <summary>The reference path being tested.</summary>
    public required ReferencePath Variable { get; init; }

    /// <summary>The operator.</summary>
    public required ComparisonOperator Operator { get; init; }

    /// <summary>The literal operand (unused when <see cref="ValuePath"/> is set).</summary>
    public JsonNode? Value
    {
        get => JsonValues.Clone(_value);
        init => _value = JsonValues.Clone(value);
    }

    /// <summary>The operand path for the <c>…Path</c> variants.</summary>
    public ReferencePath? ValuePath { get; init; }

    /// <summary>The field name as written, e.g. <c>NumericGreaterThanPath</c>.</summary>
    public string FieldName => ValuePath is null ? Operator.ToString() : Operator + "Path";

    internal JsonNode? RawValue => _value;
}
