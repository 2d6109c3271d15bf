using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalRoute53;

/// <summary>
/// Route 53 hosted zones and record sets, kept in <c>route53.json</c>. Change batches are validated the way Route 53
/// validates them (all or nothing: CREATE of an existing set, DELETE of a missing or different one, names outside the
/// zone, CNAME conflicts → <c>InvalidChangeBatchException</c>; malformed sets → <c>InvalidInputException</c>), and a
/// change is PENDING until <see cref="PropagationDelay"/> has passed on the engine's clock, then INSYNC — so a
/// Wait → GetChange poll loop behaves as in AWS, and costs nothing under the virtual clock. Members are spelt as Step
/// Functions spells them, the AWS SDK for Java v2's names capitalised (<c>Ttl</c>, <c>AliasTarget.DnsName</c>, <c>Vpc.VpcId</c>),
/// not as the Route 53 API Reference does (<c>TTL</c>, <c>DNSName</c>, <c>VPC.VPCId</c>).
/// </summary>
public sealed class Route53Emulator : ServiceEmulator
{
    /// <summary>How long a change stays PENDING by default (Route 53 typically propagates within 60 seconds).</summary>
    public static readonly TimeSpan DefaultPropagationDelay = TimeSpan.FromSeconds(60);

    private static readonly HashSet<string> RecordTypes = new(StringComparer.Ordinal)
    {
        "SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS",
    };

    private readonly JsonStateFile<Route53State> _state;

    /// <param name="stateFile">Where zones, record sets and changes are kept.</param>
    /// <param name="propagationDelay">How long a change stays PENDING; <see cref="DefaultPropagationDelay"/> when null.</param>
    public Route53Emulator(string stateFile, TimeSpan? propagationDelay = null)
    {
        _state = new JsonStateFile<Route53State>(stateFile);
        PropagationDelay = propagationDelay ?? DefaultPropagationDelay;
        var vpc = Shape.Structure(Opt("VpcRegion", Shape.String), Opt("VpcId", Shape.String));
        Action("createHostedZone", Shape.Structure(
            Req("Name", Shape.String),
            Req("CallerReference", Shape.String),
            Opt("Vpc", vpc),
            Opt("HostedZoneConfig", Shape.Structure(Opt("Comment", Shape.String), Opt("PrivateZone", Shape.Boolean))),
            Opt("DelegationSetId", Shape.String)), CreateHostedZone);
        Action("getHostedZone", Shape.Structure(Req("Id", Shape.String)), GetHostedZone);
        Action("deleteHostedZone", Shape.Structure(Req("Id", Shape.String)), DeleteHostedZone);
        Action("listHostedZones", Shape.Structure(
            Opt("Marker", Shape.String),
            Opt("MaxItems", Shape.String),
            Opt("DelegationSetId", Shape.String),
            Opt("HostedZoneType", Shape.String)), ListHostedZones);
        var recordSet = Shape.Structure(
            Req("Name", Shape.String),
            Req("Type", Shape.String),
            Opt("SetIdentifier", Shape.String),
            Opt("Weight", Shape.Integer),
            Opt("Region", Shape.String),
            Opt("GeoLocation", Shape.Structure(Opt("ContinentCode", Shape.String), Opt("CountryCode", Shape.String), Opt("SubdivisionCode", Shape.String))),
            Opt("Failover", Shape.String),
            Opt("MultiValueAnswer", Shape.Boolean),
            Opt("Ttl", Shape.Integer),
            Opt("ResourceRecords", Shape.List(Shape.Structure(Req("Value", Shape.String)))),
            Opt("AliasTarget", Shape.Structure(Req("HostedZoneId", Shape.String), Req("DnsName", Shape.String), Req("EvaluateTargetHealth", Shape.Boolean))),
            Opt("HealthCheckId", Shape.String),
            Opt("TrafficPolicyInstanceId", Shape.String),
            Opt("CidrRoutingConfig", Shape.Structure(Req("CollectionId", Shape.String), Req("LocationName", Shape.String))),
            Opt("GeoProximityLocation", Shape.Any));
        Action("changeResourceRecordSets", Shape.Structure(
            Req("HostedZoneId", Shape.String),
            Req("ChangeBatch", Shape.Structure(
                Opt("Comment", Shape.String),
                Req("Changes", Shape.List(Shape.Structure(Req("Action", Shape.String), Req("ResourceRecordSet", recordSet))))))), ChangeResourceRecordSets);
        Action("getChange", Shape.Structure(Req("Id", Shape.String)), GetChange);
        Action("listResourceRecordSets", Shape.Structure(
            Req("HostedZoneId", Shape.String),
            Opt("StartRecordName", Shape.String),
            Opt("StartRecordType", Shape.String),
            Opt("StartRecordIdentifier", Shape.String),
            Opt("MaxItems", Shape.String)), ListResourceRecordSets);
    }

    /// <inheritdoc />
    public override string ServiceName => "route53";

    /// <inheritdoc />
    public override string ErrorPrefix => "Route53";

    /// <summary>How long a change stays PENDING.</summary>
    public TimeSpan PropagationDelay { get; }

    /// <summary>The zones as they are now (across restarts).</summary>
    public IReadOnlyList<HostedZoneState> HostedZones => _state.Read().HostedZones;

    private JsonNode? CreateHostedZone(JsonObject parameters, ServiceCallContext context)
    {
        var name = NormalizeName(Text(parameters, "Name")!);
        if (!IsValidDomainName(name, allowWildcard: false) || name.Count(c => c == '.') < 2)
        {
            throw new ServiceErrorException("InvalidDomainNameException", $"{Text(parameters, "Name")} is not a valid domain name.");
        }

        var callerReference = Text(parameters, "CallerReference")!;
        if (callerReference.Length is 0 or > 128)
        {
            throw InvalidInput(
                "1 validation error detected: Value at 'callerReference' failed to satisfy constraint: Member must have length between 1 and 128");
        }

        var config = parameters["HostedZoneConfig"] as JsonObject;
        var vpc = parameters["Vpc"]?.DeepClone() as JsonObject;
        var privateZone = (config?["PrivateZone"]?.GetValue<bool>() ?? false) || vpc is not null;
        if (privateZone && vpc is null)
        {
            throw InvalidInput("Invalid request: a private hosted zone needs a VPC");
        }

        var now = context.Clock.GetUtcNow();
        return _state.Update(state =>
        {
            if (state.HostedZones.Any(z => z.CallerReference == callerReference))
            {
                throw new ServiceErrorException("HostedZoneAlreadyExistsException",
                    $"A hosted zone has already been created with the specified caller reference {callerReference}.", 409);
            }

            var zone = new HostedZoneState
            {
                Id = NewId('Z'),
                Name = name,
                CallerReference = callerReference,
                Comment = config?["Comment"]?.GetValue<string>(),
                PrivateZone = privateZone,
                Vpc = vpc,
                CreatedAt = now,
            };
            var nameServers = NameServers(zone.Id);
            zone.RecordSets.Add(new JsonObject
            {
                ["Name"] = name,
                ["Type"] = "SOA",
                ["Ttl"] = 900,
                ["ResourceRecords"] = new JsonArray(new JsonObject
                {
                    ["Value"] = $"{nameServers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
                }),
            });
            zone.RecordSets.Add(new JsonObject
            {
                ["Name"] = name,
                ["Type"] = "NS",
                ["Ttl"] = 172800,
                ["ResourceRecords"] = new JsonArray(nameServers.Select(ns => (JsonNode?)new JsonObject { ["Value"] = ns + "." }).ToArray()),
            });
            state.HostedZones.Add(zone);
            var change = NewChange(state, now, null);
            var result = new JsonObject
            {
                ["HostedZone"] = Describe(zone),
                ["ChangeInfo"] = Describe(change),
                ["DelegationSet"] = new JsonObject { ["NameServers"] = new JsonArray(nameServers.Select(ns => (JsonNode?)JsonValue.Create(ns)).ToArray()) },
                ["Location"] = $"https://route53.amazonaws.com/2013-04-01/hostedzone/{zone.Id}",
            };
            if (vpc is not null)
            {
                result["Vpc"] = vpc.DeepClone();
            }

            return (JsonNode?)result;
        });
    }

    private JsonNode? GetHostedZone(JsonObject parameters, ServiceCallContext context)
    {
        var zone = FindZone(_state.Read(), Text(parameters, "Id")!);
        return new JsonObject
        {
            ["HostedZone"] = Describe(zone),
            ["DelegationSet"] =
                new JsonObject { ["NameServers"] = new JsonArray(NameServers(zone.Id).Select(ns => (JsonNode?)JsonValue.Create(ns)).ToArray()) },
        };
    }

    private JsonNode? DeleteHostedZone(JsonObject parameters, ServiceCallContext context) => _state.Update(state =>
    {
        var zone = FindZone(state, Text(parameters, "Id")!);
        if (zone.RecordSets.Any(r => !(Str(r, "Name") == zone.Name && Str(r, "Type") is "SOA" or "NS")))
        {
            throw new ServiceErrorException("HostedZoneNotEmptyException",
                "The specified hosted zone contains non-required resource record sets and so cannot be deleted.");
        }

        state.HostedZones.Remove(zone);
        return (JsonNode?)new JsonObject { ["ChangeInfo"] = Describe(NewChange(state, context.Clock.GetUtcNow(), null)) };
    });

    private JsonNode? ListHostedZones(JsonObject parameters, ServiceCallContext context)
    {
        var maxItems = MaxItems(parameters, 100);
        var zones = _state.Read().HostedZones.OrderBy(z => z.Name, StringComparer.Ordinal).ThenBy(z => z.Id, StringComparer.Ordinal).ToList();
        if (Text(parameters, "HostedZoneType") is { } type)
        {
            zones = type == "PrivateHostedZone"
                ? zones.Where(z => z.PrivateZone).ToList()
                : throw InvalidInput($"Invalid request: HostedZoneType must be PrivateHostedZone, was '{type}'");
        }

        var start = 0;
        if (Text(parameters, "Marker") is { } marker)
        {
            start = zones.FindIndex(z => z.Id == StripPrefix(marker, "/hostedzone/"));
            if (start < 0)
            {
                throw InvalidInput($"Invalid request: Marker '{marker}' is not a hosted zone id");
            }
        }

        var page = zones.Skip(start).Take(maxItems).ToList();
        var truncated = start + page.Count < zones.Count;
        var result = new JsonObject
        {
            ["HostedZones"] = new JsonArray(page.Select(z => (JsonNode?)Describe(z)).ToArray()),
            ["IsTruncated"] = truncated,
            ["MaxItems"] = maxItems.ToString(CultureInfo.InvariantCulture),
        };
        if (Text(parameters, "Marker") is { } given)
        {
            result["Marker"] = given;
        }

        if (truncated)
        {
            result["NextMarker"] = zones[start + page.Count].Id;
        }

        return result;
    }

    private JsonNode? ChangeResourceRecordSets(JsonObject parameters, ServiceCallContext context)
    {
        var batch = (JsonObject)parameters["ChangeBatch"]!;
        var changes = (JsonArray)batch["Changes"]!;
        if (changes.Count == 0)
        {
            throw InvalidInput(
                "1 validation error detected: Value '[]' at 'changeBatch.changes' failed to satisfy constraint: Member must have length greater than or " +
                "equal to 1");
        }

        var now = context.Clock.GetUtcNow();
        return _state.Update(state =>
        {
            var zone = FindZone(state, Text(parameters, "HostedZoneId")!);
            var working = zone.RecordSets.Select(r => (JsonObject)r.DeepClone()).ToList();
            var problems = new List<string>();
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var node in changes)
            {
                var change = (JsonObject)node!;
                var action = Text(change, "Action")!;
                if (action is not ("CREATE" or "DELETE" or "UPSERT"))
                {
                    throw InvalidInput($"Invalid request: Action must be one of CREATE, DELETE, UPSERT, was '{action}'");
                }

                var recordSet = NormalizeRecordSet((JsonObject)change["ResourceRecordSet"]!, action);
                var (name, type, setIdentifier) = (Str(recordSet, "Name")!, Str(recordSet, "Type")!, Str(recordSet, "SetIdentifier"));
                var label = $"[name='{name}', type='{type}'{(setIdentifier is null ? string.Empty : $", set-identifier='{setIdentifier}'")}]";
                var key = Key(recordSet);

                // The only repeat Route 53 accepts in one batch is DELETE then CREATE of the same set (a replace).
                if (seen.TryGetValue(key, out var earlier) && !(earlier == "DELETE" && action == "CREATE"))
                {
                    problems.Add($"The request contains an invalid set of changes for a resource record set '{type} {name}'");
                    continue;
                }

                seen[key] = action;
                if (name != zone.Name && !name.EndsWith("." + zone.Name, StringComparison.Ordinal))
                {
                    problems.Add($"RRSet with DNS name {name} is not permitted in zone {zone.Name}");
                    continue;
                }

                var existing = working.FindIndex(r => Key(r) == key);
                switch (action)
                {
                    case "CREATE" when existing >= 0:
                        problems.Add($"Tried to create resource record set {label} but it already exists");
                        continue;
                    case "DELETE" when existing < 0:
                        problems.Add($"Tried to delete resource record set {label} but it was not found");
                        continue;
                    case "DELETE" when !SameValues(working[existing], recordSet):
                        problems.Add($"Tried to delete resource record set {label} but the values provided do not match the current values");
                        continue;
                    case "DELETE" when name == zone.Name && type == "SOA":
                        problems.Add("A HostedZone must contain exactly one SOA record.");
                        continue;
                    case "DELETE" when name == zone.Name && type == "NS":
                        problems.Add("A HostedZone must contain at least one NS record for the zone itself.");
                        continue;
                    case "DELETE":
                        working.RemoveAt(existing);
                        continue;
                }

                if (action != "DELETE" && type == "SOA" && name != zone.Name)
                {
                    problems.Add($"RRSet of type SOA with DNS name {name} is not permitted; a zone has one SOA record, at its apex");
                    continue;
                }

                if (type == "CNAME" ? working.Any(r => Str(r, "Name") == name && Str(r, "Type") != "CNAME") :
                    working.Any(r => Str(r, "Name") == name && Str(r, "Type") == "CNAME"))
                {
                    problems.Add(type == "CNAME"
                        ? $"RRSet of type CNAME with DNS name {name} is not permitted as it conflicts with other records with the same DNS name in zone " +
                            $"{zone.Name}"
                        : $"RRSet of type {type} with DNS name {name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name " +
                            $"already exists in zone {zone.Name}");
                    continue;
                }

                problems.AddRange(ValueProblems(recordSet, label));
                if (existing >= 0)
                {
                    working[existing] = recordSet;
                }
                else
                {
                    working.Add(recordSet);
                }
            }

            if (problems.Count > 0)
            {
                throw new ServiceErrorException("InvalidChangeBatchException", "[" + string.Join(", ", problems) + "]");
            }

            zone.RecordSets = working;
            return (JsonNode?)new JsonObject { ["ChangeInfo"] = Describe(NewChange(state, now, Text(batch, "Comment"))) };
        });
    }

    private JsonNode? GetChange(JsonObject parameters, ServiceCallContext context)
    {
        var id = StripPrefix(Text(parameters, "Id")!, "/change/");
        var now = context.Clock.GetUtcNow();
        return _state.Update(state =>
        {
            var change = state.Changes.FirstOrDefault(c => c.Id == id)
                ?? throw new ServiceErrorException("NoSuchChangeException", $"A change with the specified change ID does not exist: {id}", 404);

            // Once INSYNC, always INSYNC: a later run whose virtual clock starts earlier does not undo it.
            if (change.Status == "PENDING" && now >= change.InsyncAt)
            {
                change.Status = "INSYNC";
            }

            return (JsonNode?)new JsonObject { ["ChangeInfo"] = Describe(change) };
        });
    }

    private JsonNode? ListResourceRecordSets(JsonObject parameters, ServiceCallContext context)
    {
        var zone = FindZone(_state.Read(), Text(parameters, "HostedZoneId")!);
        var maxItems = MaxItems(parameters, 300);
        var sorted = zone.RecordSets.OrderBy(SortKey, StringComparer.Ordinal).ToList();
        var startName = Text(parameters, "StartRecordName");
        var startType = Text(parameters, "StartRecordType");
        if (startType is not null && startName is null)
        {
            throw InvalidInput("Invalid request: StartRecordType requires StartRecordName");
        }

        if (startName is not null)
        {
            var from = SortKey(new JsonObject
            {
                ["Name"] = NormalizeName(startName), ["Type"] = startType ?? string.Empty, ["SetIdentifier"] = Text(parameters, "StartRecordIdentifier"),
            });
            sorted = sorted.Where(r => string.CompareOrdinal(SortKey(r), from) >= 0).ToList();
        }

        var page = sorted.Take(maxItems).ToList();
        var result = new JsonObject
        {
            ["ResourceRecordSets"] = new JsonArray(page.Select(r => (JsonNode?)r.DeepClone()).ToArray()),
            ["IsTruncated"] = sorted.Count > page.Count,
            ["MaxItems"] = maxItems.ToString(CultureInfo.InvariantCulture),
        };
        if (sorted.Count > page.Count)
        {
            var next = sorted[page.Count];
            result["NextRecordName"] = Str(next, "Name");
            result["NextRecordType"] = Str(next, "Type");
            if (Str(next, "SetIdentifier") is { } nextIdentifier)
            {
                result["NextRecordIdentifier"] = nextIdentifier;
            }
        }

        return result;
    }

    /// <summary>Checks one record set's own shape (Route 53's InvalidInput cases) and returns it normalized.</summary>
    private static JsonObject NormalizeRecordSet(JsonObject given, string action)
    {
        var recordSet = (JsonObject)given.DeepClone();
        var rawName = Str(recordSet, "Name") ?? string.Empty;
        var name = NormalizeName(rawName);
        var type = Str(recordSet, "Type") ?? string.Empty;
        var setIdentifier = Str(recordSet, "SetIdentifier");
        var description = $"[Action={action}, Name={name}, Type={type}, SetIdentifier={setIdentifier ?? "null"}]";
        if (!RecordTypes.Contains(type))
        {
            throw InvalidInput($"Invalid request: '{type}' is not a record type Route 53 supports in Change with {description}");
        }

        if (!IsValidDomainName(name, allowWildcard: true))
        {
            throw InvalidInput($"Invalid request: '{rawName}' is not a valid DNS name in Change with {description}");
        }

        var hasAlias = recordSet["AliasTarget"] is not null;
        var hasRecords = recordSet["Ttl"] is not null && recordSet["ResourceRecords"] is not null;
        var hasPolicy = recordSet["TrafficPolicyInstanceId"] is not null;
        var partial = !hasRecords && (recordSet["Ttl"] is not null || recordSet["ResourceRecords"] is not null);
        if ((hasAlias ? 1 : 0) + (hasRecords ? 1 : 0) + (hasPolicy ? 1 : 0) != 1 || (hasAlias && partial))
        {
            throw InvalidInput(
                $"Invalid request: Expected exactly one of [AliasTarget, all of [Ttl, and ResourceRecords], or TrafficPolicyInstanceId], but found " +
                    $"{(hasAlias || hasRecords || hasPolicy ? "more than one" : "none")} in Change with {description}");
        }

        var routed = recordSet["Weight"] is not null || recordSet["Region"] is not null || recordSet["Failover"] is not null ||
                     recordSet["GeoLocation"] is not null || recordSet["MultiValueAnswer"] is not null || recordSet["CidrRoutingConfig"] is not null ||
                     recordSet["GeoProximityLocation"] is not null;
        if (routed != (setIdentifier is not null))
        {
            throw InvalidInput(routed
                ? $"Invalid request: Missing field 'SetIdentifier' in Change with {description}"
                : $"Invalid request: Unexpected field 'SetIdentifier' (it needs a routing policy: Weight, Region, Failover, GeoLocation, …) in Change with " +
                    $"{description}");
        }

        if (recordSet["Ttl"] is JsonValue ttl
            && (!long.TryParse(ttl.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) || seconds is < 0 or > int.MaxValue))
        {
            throw InvalidInput($"Invalid request: Ttl must be between 0 and 2147483647 in Change with {description}");
        }

        if (recordSet["ResourceRecords"] is JsonArray { Count: 0 })
        {
            throw InvalidInput($"Invalid request: ResourceRecords must have at least one value in Change with {description}");
        }

        if (recordSet["AliasTarget"] is JsonObject alias)
        {
            alias["DnsName"] = NormalizeName(Str(alias, "DnsName")!);
        }

        recordSet["Name"] = name;
        return recordSet;
    }

    /// <summary>The values Route 53 rejects with InvalidChangeBatch (RDATA problems).</summary>
    private static IEnumerable<string> ValueProblems(JsonObject recordSet, string label)
    {
        var type = Str(recordSet, "Type");
        var values = (recordSet["ResourceRecords"] as JsonArray ?? []).Select(r => Str((JsonObject)r!, "Value") ?? string.Empty).ToList();
        foreach (var value in values)
        {
            switch (type)
            {
                case "A" when !(IPAddress.TryParse(value, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && value.Count(c => c == '.') == 3):
                    yield return $"ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '{value}'";
                    break;
                case "AAAA" when !(IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6):
                    yield return $"AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '{value}'";
                    break;
                case "MX" when value.Split(' ', StringSplitOptions.RemoveEmptyEntries) is not [var priority, _] || !ushort.TryParse(priority, out _):
                    yield return $"MXRRDATAIllegalFormat (Value must be 'priority host') encountered with '{value}'";
                    break;
            }
        }

        if (type == "CNAME" && values.Count > 1)
        {
            yield return $"RRSet {label} of type CNAME may have only one value";
        }
    }

    private static bool SameValues(JsonObject current, JsonObject given)
    {
        static string Canonical(JsonObject recordSet)
        {
            var copy = (JsonObject)recordSet.DeepClone();
            if (copy["ResourceRecords"] is JsonArray records)
            {
                var sorted = records.Select(r => Str((JsonObject)r!, "Value") ?? string.Empty).Order(StringComparer.Ordinal)
                    .Select(v => (JsonNode?)new JsonObject { ["Value"] = v }).ToArray();
                copy["ResourceRecords"] = new JsonArray(sorted);
            }

            return new JsonObject(copy.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                KeyValuePair.Create(p.Key, p.Value?.DeepClone()))).ToJsonString();
        }

        return Canonical(current) == Canonical(given);
    }

    private static string Key(JsonObject recordSet) => $"{Str(recordSet, "Name")}|{Str(recordSet, "Type")}|{Str(recordSet, "SetIdentifier")}";

    /// <summary>Route 53's listing order: labels right to left, then type, then set identifier.</summary>
    private static string SortKey(JsonObject recordSet)
    {
        var labels = (Str(recordSet, "Name") ?? string.Empty).TrimEnd('.').Split('.');
        Array.Reverse(labels);
        return $"{string.Join('.', labels)}\u0001{Str(recordSet, "Type")}\u0001{Str(recordSet, "SetIdentifier")}";
    }

    private ChangeState NewChange(Route53State state, DateTimeOffset now, string? comment)
    {
        var change = new ChangeState { Id = NewId('C'), Status = "PENDING", SubmittedAt = now, InsyncAt = now + PropagationDelay, Comment = comment };
        state.Changes.Add(change);
        return change;
    }

    private static HostedZoneState FindZone(Route53State state, string id)
    {
        var bare = StripPrefix(id, "/hostedzone/");
        return state.HostedZones.FirstOrDefault(z => z.Id == bare)
            ?? throw new ServiceErrorException("NoSuchHostedZoneException", $"No hosted zone found with ID: {bare}", 404);
    }

    private static JsonObject Describe(HostedZoneState zone)
    {
        var config = new JsonObject { ["PrivateZone"] = zone.PrivateZone };
        if (zone.Comment is not null)
        {
            config["Comment"] = zone.Comment;
        }

        return new JsonObject
        {
            ["Id"] = "/hostedzone/" + zone.Id,
            ["Name"] = zone.Name,
            ["CallerReference"] = zone.CallerReference,
            ["Config"] = config,
            ["ResourceRecordSetCount"] = zone.RecordSets.Count,
        };
    }

    private static JsonObject Describe(ChangeState change)
    {
        var info = new JsonObject { ["Id"] = "/change/" + change.Id, ["Status"] = change.Status, ["SubmittedAt"] = Timestamp(change.SubmittedAt) };
        if (change.Comment is not null)
        {
            info["Comment"] = change.Comment;
        }

        return info;
    }

    private static int MaxItems(JsonObject parameters, int fallback)
    {
        if (Text(parameters, "MaxItems") is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? Math.Min(value, fallback)
            : throw InvalidInput($"Invalid request: MaxItems must be a positive whole number, was '{text}'");
    }

    private static string NormalizeName(string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        return lower.EndsWith('.') ? lower : lower + ".";
    }

    private static bool IsValidDomainName(string name, bool allowWildcard)
    {
        if (name.Length > 255 || name == ".")
        {
            return false;
        }

        var labels = name.TrimEnd('.').Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label.Length is 0 or > 63)
            {
                return false;
            }

            if (label == "*" && allowWildcard && i == 0)
            {
                continue;
            }

            if (!label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] NameServers(string zoneId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(zoneId));
        string[] tlds = ["com", "net", "org", "co.uk"];
        return tlds.Select((tld, i) => $"ns-{(hash[i] * 8) + i}.awsdns-{hash[i + 4] % 64:D2}.{tld}").ToArray();
    }

    private static string NewId(char prefix)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return prefix + RandomNumberGenerator.GetString(alphabet, 20);
    }

    private static string StripPrefix(string id, string prefix) => id.StartsWith(prefix, StringComparison.Ordinal) ? id[prefix.Length..] : id;

    private static string? Str(JsonObject node, string name) => node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static ServiceErrorException InvalidInput(string message) => new("InvalidInputException", message);
}

/// <summary>What route53.json holds.</summary>
public sealed class Route53State
{
    public List<HostedZoneState> HostedZones { get; set; } = [];

    public List<ChangeState> Changes { get; set; } = [];
}

/// <summary>A hosted zone and its record sets (each in the API's ResourceRecordSet shape).</summary>
public sealed class HostedZoneState
{
    /// <summary>The bare id (Z…), without /hostedzone/.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The zone's name with its trailing dot.</summary>
    public string Name { get; set; } = string.Empty;

    public string CallerReference { get; set; } = string.Empty;

    public string? Comment { get; set; }

    public bool PrivateZone { get; set; }

    public JsonObject? Vpc { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<JsonObject> RecordSets { get; set; } = [];
}

/// <summary>A submitted change: PENDING until <see cref="InsyncAt"/> on the engine's clock.</summary>
public sealed class ChangeState
{
    /// <summary>The bare id (C…), without /change/.</summary>
    public string Id { get; set; } = string.Empty;

    public string Status { get; set; } = "PENDING";

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset InsyncAt { get; set; }

    public string? Comment { get; set; }
}
