using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// What the API server defaults and refuses (422 Invalid, every problem at once) in RBAC objects and ServiceAccounts,
/// from the rbac/v1 API reference and the documented validation rules:
/// <list type="bullet">
/// <item>a rule needs at least one verb; a resource rule at least one API group and one resource; a Role's rule may
/// not name non-resource URLs; no rule names both;</item>
/// <item>a binding's <c>roleRef.apiGroup</c> defaults to, and must be, <c>rbac.authorization.k8s.io</c>; its
/// <c>roleRef.kind</c> is Role or ClusterRole (a ClusterRoleBinding: ClusterRole only); its <c>roleRef.name</c> is
/// required; and the roleRef cannot change once made;</item>
/// <item>a subject has a name and a kind among ServiceAccount (API group <c>""</c>, the default for it; a
/// ClusterRoleBinding's needs a namespace), User and Group (API group <c>rbac.authorization.k8s.io</c>, their default);</item>
/// <item>RBAC names may not be <c>.</c> or <c>..</c> nor hold <c>/</c> or <c>%</c>; a ServiceAccount's name is a DNS
/// subdomain.</item>
/// </list>
/// resourceNames with <c>create</c> is accepted, as a real server accepts it: such a rule simply never allows a create
/// (a create names no object), which <see cref="RbacAuthorizer"/> models.
/// </summary>
public static partial class RbacValidation
{
    /// <summary>One problem, as the API server's field errors say it.</summary>
    /// <param name="Field">The path: <c>rules[0].verbs</c>.</param>
    /// <param name="Reason">The cause's reason: <c>FieldValueRequired</c>, <c>FieldValueNotSupported</c>, <c>FieldValueInvalid</c>.</param>
    /// <param name="Message">What is said after the path: <c>Required value: verbs must contain at least one value</c>.</param>
    public sealed record FieldError(string Field, string Reason, string Message);

    /// <summary>Fills in the defaults the API server sets on the way in (roleRef and subject API groups).</summary>
    public static void ApplyDefaults(ApiResource api, JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(json);
        if (api != ApiResource.RoleBindings && api != ApiResource.ClusterRoleBindings)
        {
            return;
        }

        if (json["roleRef"] is JsonObject roleRef && string.IsNullOrEmpty((string?)roleRef["apiGroup"]))
        {
            roleRef["apiGroup"] = ApiResource.RbacGroup;
        }

        foreach (var subject in (json["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (string.IsNullOrEmpty((string?)subject["apiGroup"]) && (string?)subject["kind"] is "User" or "Group")
            {
                subject["apiGroup"] = ApiResource.RbacGroup;
            }
        }
    }

    /// <summary>Every problem of an object of this kind (none for kinds this does not check).</summary>
    /// <param name="api">Its kind.</param>
    /// <param name="json">The object, defaults applied.</param>
    /// <param name="previous">The stored object it replaces, for an update.</param>
    public static IReadOnlyList<FieldError> Validate(ApiResource api, JsonObject json, JsonObject? previous)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(json);
        var errors = new List<FieldError>();
        var name = (string?)json["metadata"]?["name"] ?? "";
        if (api == ApiResource.ServiceAccounts)
        {
            if (name.Length > 0 && !IsDnsSubdomain(name))
            {
                errors.Add(Invalid("metadata.name", name,
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
            }

            return errors;
        }

        if (api != ApiResource.Roles && api != ApiResource.ClusterRoles && api != ApiResource.RoleBindings && api != ApiResource.ClusterRoleBindings)
        {
            return errors;
        }

        errors.AddRange(RbacName("metadata.name", name));
        if (api == ApiResource.Roles || api == ApiResource.ClusterRoles)
        {
            var rules = json["rules"] as JsonArray ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                errors.AddRange(Rule(rules[i], namespaced: api == ApiResource.Roles, $"rules[{i}]"));
            }

            return errors;
        }

        var clusterWide = api == ApiResource.ClusterRoleBindings;
        var roleRef = json["roleRef"] as JsonObject ?? [];
        var refGroup = (string?)roleRef["apiGroup"] ?? "";
        var refKind = (string?)roleRef["kind"] ?? "";
        var refName = (string?)roleRef["name"] ?? "";
        if (refGroup != ApiResource.RbacGroup)
        {
            errors.Add(NotSupported("roleRef.apiGroup", refGroup, ApiResource.RbacGroup));
        }

        if (clusterWide ? refKind != "ClusterRole" : refKind is not ("Role" or "ClusterRole"))
        {
            errors.Add(clusterWide ? NotSupported("roleRef.kind", refKind, "ClusterRole") : NotSupported("roleRef.kind", refKind, "Role", "ClusterRole"));
        }

        if (refName.Length == 0)
        {
            errors.Add(Required("roleRef.name", ""));
        }
        else
        {
            errors.AddRange(RbacName("roleRef.name", refName));
        }

        var subjects = json["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            errors.AddRange(Subject(subjects[i] as JsonObject ?? [], namespaced: !clusterWide, $"subjects[{i}]"));
        }

        if (previous?["roleRef"] is JsonNode before && !JsonNode.DeepEquals(before, json["roleRef"]))
        {
            // The server prints the Go value: rbac.RoleRef{APIGroup:"…", Kind:"…", Name:"…"}.
            errors.Add(new FieldError("roleRef", "FieldValueInvalid",
                $"Invalid value: rbac.RoleRef{{APIGroup:\"{refGroup}\", Kind:\"{refKind}\", Name:\"{refName}\"}}: cannot change roleRef"));
        }

        return errors;
    }

    /// <summary>The 422 Status a real server answers with: <c>Role.rbac.authorization.k8s.io "x" is invalid: ...</c>.</summary>
    public static string InvalidStatus(ApiResource api, string name, IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(errors);
        var qualified = api.Group.Length == 0 ? api.Kind : api.Kind + "." + api.Group;
        var said = errors.Select(e => $"{e.Field}: {e.Message}").ToList();
        var message = $"{qualified} \"{name}\" is invalid: " + (said.Count == 1 ? said[0] : "[" + string.Join(", ", said) + "]");
        var details = new JsonObject { ["name"] = name };
        if (api.Group.Length > 0)
        {
            details["group"] = api.Group;
        }

        details["kind"] = api.Kind;
        details["causes"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message, ["field"] = e.Field })]);
        return Json.Write(new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = "Invalid",
            ["details"] = details,
            ["code"] = 422,
        });
    }

    private static IEnumerable<FieldError> Rule(JsonNode? rule, bool namespaced, string path)
    {
        var verbs = Count(rule?["verbs"]);
        var groups = Count(rule?["apiGroups"]);
        var resources = Count(rule?["resources"]);
        var names = Count(rule?["resourceNames"]);
        var urls = Count(rule?["nonResourceURLs"]);
        if (verbs == 0)
        {
            yield return Required(path + ".verbs", "verbs must contain at least one value");
        }

        if (urls > 0)
        {
            if (namespaced)
            {
                yield return Invalid(path + ".nonResourceURLs", rule?["nonResourceURLs"], "namespaced rules cannot apply to non-resource URLs");
            }

            if (groups > 0 || resources > 0 || names > 0)
            {
                yield return Invalid(path + ".nonResourceURLs", rule?["nonResourceURLs"], "rules cannot apply to both regular resources and non-resource URLs");
            }

            yield break;
        }

        if (groups == 0)
        {
            yield return Required(path + ".apiGroups", "resource rules must supply at least one api group");
        }

        if (resources == 0)
        {
            yield return Required(path + ".resources", "resource rules must supply at least one resource");
        }
    }

    private static IEnumerable<FieldError> Subject(JsonObject subject, bool namespaced, string path)
    {
        var name = (string?)subject["name"] ?? "";
        var kind = (string?)subject["kind"] ?? "";
        var group = (string?)subject["apiGroup"] ?? "";
        if (name.Length == 0)
        {
            yield return Required(path + ".name", "");
        }

        switch (kind)
        {
            case "ServiceAccount":
                if (name.Length > 0 && !IsDnsSubdomain(name))
                {
                    yield return Invalid(path + ".name", name, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
                }

                if (group.Length > 0)
                {
                    yield return NotSupported(path + ".apiGroup", group, "");
                }

                if (!namespaced && string.IsNullOrEmpty((string?)subject["namespace"]))
                {
                    yield return Required(path + ".namespace", "");
                }

                break;
            case "User" or "Group":
                if (group != ApiResource.RbacGroup)
                {
                    yield return NotSupported(path + ".apiGroup", group, ApiResource.RbacGroup);
                }

                break;
            default:
                yield return NotSupported(path + ".kind", kind, "ServiceAccount", "User", "Group");
                break;
        }
    }

    private static IEnumerable<FieldError> RbacName(string field, string name)
    {
        if (name is "." or "..")
        {
            yield return Invalid(field, name, $"may not be '{name}'");
        }

        foreach (var forbidden in new[] { "/", "%" })
        {
            if (name.Contains(forbidden, StringComparison.Ordinal))
            {
                yield return Invalid(field, name, $"may not contain '{forbidden}'");
            }
        }
    }

    private static int Count(JsonNode? node) => node is JsonArray array ? array.Count : 0;

    private static FieldError Required(string field, string detail) =>
        new(field, "FieldValueRequired", detail.Length == 0 ? "Required value" : "Required value: " + detail);

    private static FieldError NotSupported(string field, string value, params string[] supported) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");

    private static FieldError Invalid(string field, JsonNode? value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {Describe(value)}: {detail}");

    private static FieldError Invalid(string field, string value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: \"{value}\": {detail}");

    /// <summary>A value as the server's field errors print it (Go's <c>%#v</c>): <c>[]string{"/healthz"}</c>.</summary>
    private static string Describe(JsonNode? value) => value switch
    {
        null => "null",
        JsonArray array => "[]string{" + string.Join(", ", array.Select(v => Json.Write(v ?? ""))) + "}",
        _ => Json.Write(value),
    };

    private static bool IsDnsSubdomain(string name) => name.Length <= 253 && DnsSubdomain().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();
}
