using System.Text.Json.Nodes;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// What a request asks to do, as an authoriser sees it: <c>create</c> on <c>pods</c> subresource <c>exec</c> named
/// <c>engine</c> in namespace <c>wf</c>. A create (and a list, a watch) names no object; a cluster-scoped request has no
/// namespace.
/// </summary>
public sealed record AccessRequest(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name)
{
    /// <summary><c>pods</c>, or <c>pods/exec</c> for a subresource: the form RBAC rules name.</summary>
    public string CombinedResource => string.IsNullOrEmpty(Subresource) ? Resource : Resource + "/" + Subresource;
}

/// <summary>
/// Kubernetes RBAC over the objects stored in the fake server, written from the Kubernetes documentation ("Using RBAC
/// Authorization", kubernetes.io/docs/reference/access-authn-authz/rbac/) and the rbac/v1 API reference, not from
/// anything in the library under test:
/// <list type="bullet">
/// <item>permissions are purely additive; nothing denies;</item>
/// <item>a RoleBinding grants, in its own namespace only, the rules of the Role it names (in that namespace) or of the
/// ClusterRole it names; a ClusterRoleBinding grants a ClusterRole's rules in every namespace and cluster-wide;</item>
/// <item>a subject is a User (by name), a Group (by the user's groups) or a ServiceAccount (user
/// <c>system:serviceaccount:NS:NAME</c>; a RoleBinding's subject without a namespace means the binding's own);</item>
/// <item>a rule matches when its verbs, apiGroups and resources each hold the request's (or <c>*</c>), where a
/// subresource is named <c>pods/exec</c> (<c>pods</c> does not cover it; <c>*/exec</c> does), and its resourceNames are
/// empty or hold the request's object name; a request that names no object (create, list, watch, deletecollection)
/// never matches a rule with resourceNames;</item>
/// <item>a binding whose role does not exist grants nothing.</item>
/// </list>
/// </summary>
public static class RbacAuthorizer
{
    /// <summary>Whether the stored RBAC objects allow <paramref name="request"/> for this user and these groups.</summary>
    public static bool Allows(ObjectStore store, string user, IReadOnlyCollection<string> groups, AccessRequest request) =>
        Explain(store, user, groups, request) is not null;

    /// <summary>The binding and role that allow the request (a real authoriser's reason), or null when none does.</summary>
    public static string? Explain(ObjectStore store, string user, IReadOnlyCollection<string> groups, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(request);
        foreach (var binding in store.List("clusterrolebindings", null, LabelSelector.Everything).Items)
        {
            if (Binds(binding, bindingNamespace: null, user, groups) is { } subject
                && (string?)binding.Node["roleRef"]?["kind"] == "ClusterRole"
                && RulesOf(store, "clusterroles", "", (string?)binding.Node["roleRef"]?["name"]) is { } rules
                && rules.Any(r => RuleAllows(r, request)))
            {
                return $"RBAC: allowed by ClusterRoleBinding \"{binding.Name}\" of ClusterRole \"{(string?)binding.Node["roleRef"]?["name"]}\" to {subject}";
            }
        }

        if (request.Namespace is not { Length: > 0 } ns)
        {
            return null; // Only ClusterRoleBindings reach beyond a namespace.
        }

        foreach (var binding in store.List("rolebindings", ns, LabelSelector.Everything).Items)
        {
            if (Binds(binding, ns, user, groups) is not { } subject)
            {
                continue;
            }

            var roleRef = binding.Node["roleRef"];
            var (kind, name) = ((string?)roleRef?["kind"], (string?)roleRef?["name"]);
            var rules = kind switch
            {
                "Role" => RulesOf(store, "roles", ns, name),
                "ClusterRole" => RulesOf(store, "clusterroles", "", name),
                _ => null,
            };
            if (rules is not null && rules.Any(r => RuleAllows(r, request)))
            {
                return $"RBAC: allowed by RoleBinding \"{binding.Name}/{ns}\" of {kind} \"{name}\" to {subject}";
            }
        }

        return null;
    }

    /// <summary>Whether one rule (a JSON PolicyRule) allows the request.</summary>
    public static bool RuleAllows(JsonNode? rule, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (rule is null || (Strings(rule["nonResourceURLs"]).Count > 0 && Strings(rule["resources"]).Count == 0))
        {
            return false; // A non-resource rule covers URLs such as /healthz, never an object.
        }

        var verbs = Strings(rule["verbs"]);
        var apiGroups = Strings(rule["apiGroups"]);
        var resources = Strings(rule["resources"]);
        var names = Strings(rule["resourceNames"]);
        return (verbs.Contains("*") || verbs.Contains(request.Verb))
            && (apiGroups.Contains("*") || apiGroups.Contains(request.Group))
            && resources.Any(r => ResourceMatches(r, request))
            && (names.Count == 0 || (request.Name is { Length: > 0 } name && names.Contains(name)));
    }

    private static bool ResourceMatches(string ruleResource, AccessRequest request) =>
        ruleResource == "*"
        || ruleResource == request.CombinedResource
        || (!string.IsNullOrEmpty(request.Subresource) && ruleResource == "*/" + request.Subresource);

    /// <summary>The subject of the binding that is this user (for the reason), or null when none is.</summary>
    private static string? Binds(StoredObject binding, string? bindingNamespace, string user, IReadOnlyCollection<string> groups)
    {
        if (binding.Node["subjects"] is not JsonArray subjects)
        {
            return null;
        }

        foreach (var subject in subjects)
        {
            var name = (string?)subject?["name"] ?? "";
            switch ((string?)subject?["kind"])
            {
                case "User" when name == user:
                    return $"User \"{name}\"";
                case "Group" when groups.Contains(name):
                    return $"Group \"{name}\"";
                case "ServiceAccount":
                    var ns = (string?)subject?["namespace"] is { Length: > 0 } given ? given : bindingNamespace;
                    if (ns is not null && user == $"system:serviceaccount:{ns}:{name}")
                    {
                        return $"ServiceAccount \"{name}/{ns}\"";
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>The rules of a role; null when it does not exist (a binding to a missing role grants nothing).</summary>
    private static JsonArray? RulesOf(ObjectStore store, string resource, string ns, string? name)
    {
        if (name is not { Length: > 0 } || store.Get(resource, ns, name) is not { } role)
        {
            return null;
        }

        return role.Node["rules"] as JsonArray ?? [];
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "")] : [];
}
