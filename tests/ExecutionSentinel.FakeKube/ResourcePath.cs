namespace ExecutionSentinel.FakeKube;

/// <summary>
/// A parsed resource URL: <c>/api/v1/[namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE]]</c> or the same under
/// <c>/apis/GROUP/VERSION</c>, for the kinds in <see cref="ApiResource.All"/>; a cluster-scoped kind's path has no
/// namespace (<c>/apis/rbac.authorization.k8s.io/v1/clusterroles/NAME</c>).
/// </summary>
internal sealed record ResourcePath(ApiResource Api, string? Namespace, string? Name, string? Subresource)
{
    public string Resource => Api.Plural;

    /// <summary>The resource as RBAC names it: <c>pods</c>, or <c>pods/exec</c> for a subresource.</summary>
    public string AuthorizationResource => Subresource is null ? Api.Plural : Api.Plural + "/" + Subresource;

    /// <summary>The namespace the store keeps the object under: <c>""</c> for a cluster-scoped kind.</summary>
    public string StoreNamespace => Namespace ?? "";

    public static bool TryParse(string path, out ResourcePath target)
    {
        target = null!;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group;
        string version;
        string[] rest;
        switch (parts)
        {
            case ["api", var v, .. var core]:
                (group, version, rest) = ("", v, core);
                break;
            case ["apis", var g, var v, .. var named]:
                (group, version, rest) = (g, v, named);
                break;
            default:
                return false;
        }

        string? ns = null;
        if (rest is ["namespaces", var n, _, ..])
        {
            ns = n;
            rest = rest[2..];
        }

        if (rest.Length == 0 || ApiResource.Find(group, version, rest[0]) is not { } api || (!api.Namespaced && ns is not null))
        {
            return false; // A cluster-scoped kind has no namespaced path.
        }

        switch (rest)
        {
            case [_]:
                target = new ResourcePath(api, ns, null, null);
                return true;
            case [_, var name] when ns is not null || !api.Namespaced:
                target = new ResourcePath(api, ns, name, null);
                return true;
            case ["pods", var name, "exec"] when ns is not null:
                target = new ResourcePath(api, ns, name, "exec");
                return true;
            default:
                return false;
        }
    }
}
