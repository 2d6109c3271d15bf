using System.Globalization;
using System.Xml.Linq;
using DisasterRecovery.LocalS3.Http;
using DisasterRecovery.LocalS3.Storage;

namespace DisasterRecovery.LocalS3.Lifecycle;

/// <summary>
/// Reads a PutBucketLifecycleConfiguration document and refuses what S3 refuses, so a configuration that works here
/// is one S3 would accept: the shape (botocore's <c>BucketLifecycleConfiguration</c>), at most 1,000 rules with unique
/// IDs of at most 255 characters, one filter form per rule, at least one action, Days xor Date, dates at midnight UTC,
/// transitions to STANDARD_IA/ONEZONE_IA no earlier than day 30, transitions in one rule going down the storage-class
/// waterfall, Glacier Flexible Retrieval/Deep Archive at least 30 days after an IA transition, expiration after every
/// transition, and no tag filter with AbortIncompleteMultipartUpload or ExpiredObjectDeleteMarker
/// (S3 User Guide: "Lifecycle configuration elements", "Transitioning objects using Amazon S3 Lifecycle").
/// </summary>
internal static class LifecycleParser
{
    private const int MaxRules = 1000;
    private const int MaxIdLength = 255;
    private const int MinimumInfrequentAccessDays = 30;

    public static LifecycleConfiguration Parse(byte[] document, string? transitionDefaultMinimumObjectSize)
    {
        var root = S3Xml.Parse(document);
        S3Xml.RequireRoot(root, "LifecycleConfiguration");
        var minimumObjectSize = transitionDefaultMinimumObjectSize ?? LifecycleDefaults.AllStorageClasses128K;
        if (minimumObjectSize is not (LifecycleDefaults.AllStorageClasses128K or LifecycleDefaults.VariesByStorageClass))
        {
            throw Invalid(
                $"x-amz-transition-default-minimum-object-size must be {LifecycleDefaults.AllStorageClasses128K} or " +
                $"{LifecycleDefaults.VariesByStorageClass}, not '{minimumObjectSize}'.")
                .WithDetail("ArgumentName", "x-amz-transition-default-minimum-object-size");
        }

        var ruleElements = S3Xml.Children(root, "Rule").ToList();
        if (ruleElements.Count == 0 || ruleElements.Count > MaxRules || root.Elements().Any(element => element.Name.LocalName != "Rule"))
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }

        var rules = ruleElements.Select(ParseRule).ToList();
        var duplicate = rules.Where(rule => rule.Id is not null).GroupBy(rule => rule.Id, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw Invalid($"Rule ID must be unique. Found same ID for more than one rule: '{duplicate.Key}'.").WithDetail("ArgumentName", "ID");
        }

        return new LifecycleConfiguration(rules, minimumObjectSize);
    }

    private static LifecycleRule ParseRule(XElement rule)
    {
        var id = Single(rule, "ID");
        if (id is not null && id.Length > MaxIdLength)
        {
            throw Invalid("ID length should not exceed allowed limit of 255").WithDetail("ArgumentName", "ID");
        }

        var status = Single(rule, "Status") switch
        {
            "Enabled" => true,
            "Disabled" => false,
            _ => throw new S3Exception(S3Errors.MalformedXML, "Rule Status must be Enabled or Disabled."),
        };

        var filter = ParseRuleFilter(rule);
        var name = id ?? "(no ID)";
        var expiration = S3Xml.Child(rule, "Expiration") is { } expirationElement ? ParseExpiration(expirationElement, name) : null;
        var transitions = S3Xml.Children(rule, "Transition").Select(element => ParseTransition(element, name)).ToList();
        var noncurrentTransitions = S3Xml.Children(rule, "NoncurrentVersionTransition").Select(element => ParseNoncurrentTransition(element, name)).ToList();
        var noncurrentExpiration = S3Xml.Child(rule, "NoncurrentVersionExpiration") is { } noncurrentElement
            ? new NoncurrentExpiration(PositiveDays(noncurrentElement, "NoncurrentDays", "NoncurrentVersionExpiration", name),
                OptionalCount(noncurrentElement, name))
            : null;
        int? abortDays = S3Xml.Child(rule, "AbortIncompleteMultipartUpload") is { } abortElement
            ? PositiveDays(abortElement, "DaysAfterInitiation", "AbortIncompleteMultipartUpload", name)
            : null;

        if (expiration is null && transitions.Count == 0 && noncurrentTransitions.Count == 0 && noncurrentExpiration is null && abortDays is null)
        {
            throw new S3Exception(S3Errors.InvalidRequest, "At least one action needs to be specified in a rule");
        }

        if (filter.Tags.Count > 0 && abortDays is not null)
        {
            throw Invalid($"Rule '{name}': AbortIncompleteMultipartUpload cannot be specified with a tag filter.").WithDetail("ArgumentName",
                "AbortIncompleteMultipartUpload");
        }

        if (filter.Tags.Count > 0 && expiration?.ExpiredObjectDeleteMarker == true)
        {
            throw Invalid($"Rule '{name}': ExpiredObjectDeleteMarker cannot be specified with a tag filter.").WithDetail("ArgumentName",
                "ExpiredObjectDeleteMarker");
        }

        CheckTransitionOrder(transitions.Select(t => (t.Days ?? DayNumber(t.Date), t.StorageClass)).ToList(), "Transition", "Days", name);
        CheckTransitionOrder(noncurrentTransitions.Select(t => ((int?)t.NoncurrentDays, t.StorageClass)).ToList(), "NoncurrentVersionTransition",
            "NoncurrentDays", name);
        CheckExpirationAfterTransitions(expiration, transitions, name);
        if (noncurrentExpiration is not null && noncurrentTransitions.FirstOrDefault(t => t.NoncurrentDays >= noncurrentExpiration.NoncurrentDays) is { } late)
        {
            throw Invalid(
                $"Rule '{name}': 'NoncurrentDays' in the NoncurrentVersionExpiration action must be greater than 'NoncurrentDays' in the " +
                $"NoncurrentVersionTransition action for StorageClass '{late.StorageClass}'.")
                .WithDetail("ArgumentName", "NoncurrentDays");
        }

        return new LifecycleRule(id, status, filter, expiration, transitions, noncurrentTransitions, noncurrentExpiration, abortDays);
    }

    /// <summary>Exactly one of the deprecated rule-level Prefix and Filter; a Filter holds at most one predicate (several go in And).</summary>
    private static LifecycleFilter ParseRuleFilter(XElement rule)
    {
        var legacyPrefix = S3Xml.Child(rule, "Prefix");
        var filter = S3Xml.Child(rule, "Filter");
        if ((legacyPrefix is null) == (filter is null))
        {
            throw new S3Exception(S3Errors.MalformedXML, "A lifecycle rule needs exactly one of Filter and Prefix.");
        }

        if (legacyPrefix is not null)
        {
            return LifecycleFilter.Everything with { Prefix = legacyPrefix.Value };
        }

        var predicates = filter!.Elements().ToList();
        if (predicates.Count > 1)
        {
            throw new S3Exception(S3Errors.MalformedXML, "A lifecycle Filter holds one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or And.");
        }

        if (predicates.Count == 0)
        {
            return LifecycleFilter.Everything;
        }

        var predicate = predicates[0];
        var parsed = predicate.Name.LocalName switch
        {
            "Prefix" => LifecycleFilter.Everything with { Prefix = predicate.Value },
            "Tag" => LifecycleFilter.Everything with { Tags = [ParseTag(predicate)] },
            "ObjectSizeGreaterThan" => LifecycleFilter.Everything with { ObjectSizeGreaterThan = Size(predicate) },
            "ObjectSizeLessThan" => LifecycleFilter.Everything with { ObjectSizeLessThan = Size(predicate) },
            "And" => ParseAnd(predicate),
            _ => throw new S3Exception(S3Errors.MalformedXML),
        };
        if (parsed.ObjectSizeGreaterThan is { } greater && parsed.ObjectSizeLessThan is { } less && greater >= less)
        {
            throw Invalid("ObjectSizeGreaterThan must be less than ObjectSizeLessThan.").WithDetail("ArgumentName", "ObjectSizeGreaterThan");
        }

        return parsed;
    }

    private static LifecycleFilter ParseAnd(XElement and)
    {
        var tags = S3Xml.Children(and, "Tag").Select(ParseTag).ToList();
        if (tags.Select(tag => tag.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            throw Invalid("Duplicate Tag Keys are not allowed.").WithDetail("ArgumentName", "Tag");
        }

        return new LifecycleFilter(
            S3Xml.ChildValue(and, "Prefix") ?? string.Empty,
            tags,
            S3Xml.Child(and, "ObjectSizeGreaterThan") is { } greater ? Size(greater) : null,
            S3Xml.Child(and, "ObjectSizeLessThan") is { } less ? Size(less) : null);
    }

    private static ObjectTag ParseTag(XElement tag)
    {
        var key = S3Xml.ChildValue(tag, "Key");
        var value = S3Xml.ChildValue(tag, "Value");
        if (string.IsNullOrEmpty(key) || value is null)
        {
            throw new S3Exception(S3Errors.MalformedXML, "A lifecycle filter Tag needs a Key and a Value.");
        }

        return new ObjectTag(key, value);
    }

    private static LifecycleExpiration ParseExpiration(XElement expiration, string rule)
    {
        var days = OptionalInt(expiration, "Days", "Expiration", rule);
        var date = OptionalDate(expiration, "Expiration", rule);
        var marker = S3Xml.ChildValue(expiration, "ExpiredObjectDeleteMarker");
        if ((days is null ? 0 : 1) + (date is null ? 0 : 1) + (marker is null ? 0 : 1) != 1)
        {
            throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': Expiration holds exactly one of Days, Date and ExpiredObjectDeleteMarker.");
        }

        if (days is <= 0)
        {
            throw Invalid($"Rule '{rule}': 'Days' for Expiration action must be a positive integer").WithDetail("ArgumentName", "Days");
        }

        if (marker is not null && marker is not ("true" or "false"))
        {
            throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': ExpiredObjectDeleteMarker must be true or false.");
        }

        return new LifecycleExpiration(days, date, marker == "true");
    }

    private static LifecycleTransition ParseTransition(XElement transition, string rule)
    {
        var storageClass = TransitionClass(transition, "Transition", rule);
        var days = OptionalInt(transition, "Days", "Transition", rule);
        var date = OptionalDate(transition, "Transition", rule);
        if ((days is null) == (date is null))
        {
            throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': a Transition holds exactly one of Days and Date.");
        }

        if (days is < 0)
        {
            throw Invalid($"Rule '{rule}': 'Days' in Transition action must be nonnegative").WithDetail("ArgumentName", "Days");
        }

        if (days is { } d && d < MinimumInfrequentAccessDays && storageClass is StorageClasses.StandardIa or StorageClasses.OneZoneIa)
        {
            throw Invalid($"Rule '{rule}': 'Days' in Transition action must be greater than or equal to 30 for storageClass '{storageClass}'")
                .WithDetail("ArgumentName", "Days");
        }

        return new LifecycleTransition(days, date, storageClass);
    }

    private static NoncurrentTransition ParseNoncurrentTransition(XElement transition, string rule)
    {
        var storageClass = TransitionClass(transition, "NoncurrentVersionTransition", rule);
        var days = OptionalInt(transition, "NoncurrentDays", "NoncurrentVersionTransition", rule)
            ?? throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': a NoncurrentVersionTransition needs NoncurrentDays.");
        if (days < 0)
        {
            throw Invalid($"Rule '{rule}': 'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative").WithDetail("ArgumentName",
                "NoncurrentDays");
        }

        if (days < MinimumInfrequentAccessDays && storageClass is StorageClasses.StandardIa or StorageClasses.OneZoneIa)
        {
            throw Invalid(
                $"Rule '{rule}': 'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '{storageClass}'")
                .WithDetail("ArgumentName", "NoncurrentDays");
        }

        return new NoncurrentTransition(days, storageClass, OptionalCount(transition, rule));
    }

    /// <summary>
    /// Transitions of one rule, in the order they happen, must each go further down the waterfall; a Glacier Flexible
    /// Retrieval or Deep Archive transition comes at least 30 days after an IA one (IA's minimum storage charge).
    /// </summary>
    private static void CheckTransitionOrder(List<(int? Day, string StorageClass)> transitions, string action, string field, string rule)
    {
        if (transitions.Select(t => t.StorageClass).Distinct(StringComparer.Ordinal).Count() != transitions.Count)
        {
            throw Invalid($"Rule '{rule}': 'StorageClass' must be different for '{action}' actions in same 'Rule'").WithDetail("ArgumentName", "StorageClass");
        }

        if (transitions.Any(t => t.Day is null) && transitions.Any(t => t.Day is not null))
        {
            throw Invalid($"Rule '{rule}': found mixed 'Date' and 'Days' based {action} actions.").WithDetail("ArgumentName", field);
        }

        var ordered = transitions.OrderBy(t => t.Day).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (earlierDay, earlier) = ordered[i - 1];
            var (laterDay, later) = ordered[i];
            var (warmer, colder) = StorageClasses.Coldness(earlier) <= StorageClasses.Coldness(later) ? (earlier, later) : (later, earlier);
            if (earlierDay == laterDay || colder == earlier)
            {
                throw Invalid(
                    $"Rule '{rule}': '{field}' in {action} action for StorageClass '{colder}' must be greater than '{field}' in {action} action for " +
                    $"StorageClass '{warmer}'")
                    .WithDetail("ArgumentName", field);
            }

            if (!StorageClasses.CanTransition(earlier, later))
            {
                throw Invalid($"Rule '{rule}': S3 Lifecycle does not transition objects from {earlier} to {later}.").WithDetail("ArgumentName", "StorageClass");
            }
        }

        foreach (var (iaDay, iaClass) in ordered.Where(t => t.StorageClass is StorageClasses.StandardIa or StorageClasses.OneZoneIa))
        {
            if (ordered.FirstOrDefault(t => t.StorageClass is StorageClasses.Glacier or StorageClasses.DeepArchive && t.Day
                - iaDay < MinimumInfrequentAccessDays) is { StorageClass: { } archive })
            {
                throw Invalid(
                    $"Rule '{rule}': '{field}' in {action} action for StorageClass '{archive}' must be 30 days more than '{field}' in {action} action for " +
                    $"StorageClass '{iaClass}'")
                    .WithDetail("ArgumentName", field);
            }
        }
    }

    private static void CheckExpirationAfterTransitions(LifecycleExpiration? expiration, List<LifecycleTransition> transitions, string rule)
    {
        if (expiration is null || expiration.ExpiredObjectDeleteMarker)
        {
            return;
        }

        foreach (var transition in transitions)
        {
            var tooEarly = expiration.Days is { } expiryDays
                ? transition.Days is { } transitionDays && expiryDays <= transitionDays
                : transition.Date is { } transitionDate && expiration.Date <= transitionDate;
            if (tooEarly)
            {
                throw Invalid(
                    $"Rule '{rule}': 'Days' in the Expiration action must be greater than 'Days' in the Transition action for StorageClass " +
                    $"'{transition.StorageClass}'")
                    .WithDetail("ArgumentName", "Days");
            }
        }
    }

    private static string TransitionClass(XElement transition, string action, string rule)
    {
        var value = S3Xml.ChildValue(transition, "StorageClass");
        if (value is null || !StorageClasses.IsTransitionTarget(value))
        {
            throw Invalid(
                $"Rule '{rule}': '{value}' is not a StorageClass a {action} can move objects to (GLACIER, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, " +
                $"DEEP_ARCHIVE, GLACIER_IR).")
                .WithDetail("ArgumentName", "StorageClass");
        }

        return value;
    }

    private static int PositiveDays(XElement parent, string field, string action, string rule)
    {
        var days = OptionalInt(parent, field, action, rule)
            ?? throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': {action} needs {field}.");
        return days > 0
            ? days
            : throw Invalid($"Rule '{rule}': '{field}' for {action} action must be a positive integer").WithDetail("ArgumentName", field);
    }

    private static int? OptionalCount(XElement parent, string rule)
    {
        var count = OptionalInt(parent, "NewerNoncurrentVersions", parent.Name.LocalName, rule);
        return count is <= 0
            ? throw Invalid($"Rule '{rule}': 'NewerNoncurrentVersions' must be a positive integer").WithDetail("ArgumentName", "NewerNoncurrentVersions")
            : count;
    }

    private static int? OptionalInt(XElement parent, string field, string action, string rule)
    {
        var text = Single(parent, field);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': '{field}' in {action} must be an integer, not '{text}'.");
    }

    /// <summary>ISO 8601, and the time must be midnight UTC.</summary>
    private static DateTimeOffset? OptionalDate(XElement parent, string action, string rule)
    {
        var text = Single(parent, "Date");
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            throw new S3Exception(S3Errors.MalformedXML, $"Rule '{rule}': 'Date' in {action} is not an ISO 8601 date: '{text}'.");
        }

        return date.UtcDateTime.TimeOfDay == TimeSpan.Zero
            ? date.ToUniversalTime()
            : throw Invalid($"Rule '{rule}': 'Date' in {action} action must be midnight GMT").WithDetail("ArgumentName", "Date");
    }

    private static long Size(XElement element) =>
        long.TryParse(element.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : throw Invalid($"{element.Name.LocalName} must be a non-negative number of bytes, not '{element.Value}'.").WithDetail("ArgumentName",
                element.Name.LocalName);

    /// <summary>The value of a child that may appear once; twice is malformed.</summary>
    private static string? Single(XElement parent, string name)
    {
        var children = S3Xml.Children(parent, name).ToList();
        return children.Count switch
        {
            0 => null,
            1 => children[0].Value,
            _ => throw new S3Exception(S3Errors.MalformedXML, $"'{name}' appears more than once in {parent.Name.LocalName}."),
        };
    }

    /// <summary>Date-based transitions order by their date; a day number keeps the comparisons in one unit.</summary>
    private static int? DayNumber(DateTimeOffset? date) => date is { } d ? (int)(d.UtcTicks / TimeSpan.TicksPerDay) : null;

    private static S3Exception Invalid(string message) => new(S3Errors.InvalidArgument, message);
}
