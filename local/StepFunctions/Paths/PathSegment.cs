namespace DisasterRecovery.LocalStepFunctions.Paths;

/// <summary>One step of a JSONPath. Only <see cref="FieldSegment"/> and <see cref="IndexSegment"/> are "definite".</summary>
internal abstract record PathSegment
{
    public virtual bool IsDefinite => false;

    /// <summary>Jayway-style canonical form, used in error causes the way AWS prints them ($['a'][0]).</summary>
    public abstract string Canonical { get; }
}

internal sealed record FieldSegment(string Name) : PathSegment
{
    public override bool IsDefinite => true;

    public override string Canonical => "['" + Name.Replace("'", "\\'", StringComparison.Ordinal) + "']";
}

internal sealed record IndexSegment(int Index) : PathSegment
{
    public override bool IsDefinite => true;

    public override string Canonical => "[" + Index + "]";
}

internal sealed record WildcardSegment : PathSegment
{
    public override string Canonical => "[*]";
}

internal sealed record SliceSegment(int? Start, int? End, int? Step) : PathSegment
{
    public override string Canonical => $"[{Start}:{End}{(Step is null ? string.Empty : ":" + Step)}]";
}

internal sealed record UnionSegment(IReadOnlyList<PathSegment> Members) : PathSegment
{
    public override string Canonical =>
        "[" + string.Join(",", Members.Select(m => m.Canonical.Trim('[', ']'))) + "]";
}

internal sealed record FilterSegment(FilterExpression Filter, string Source) : PathSegment
{
    public override string Canonical => "[?(" + Source + ")]";
}

internal sealed record DeepScanSegment(PathSegment Inner) : PathSegment
{
    public override string Canonical => ".." + Inner.Canonical;
}
