using System.Collections.Concurrent;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// Authentication by bearer token and authorisation by grants, as RBAC decides: a request is allowed when one of its
/// token's grants covers its verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>,
/// <c>delete</c>, <c>deletecollection</c>), its resource (<c>pods</c>, <c>jobs</c>, <c>leases</c>, <c>configmaps</c>,
/// or a subresource such as <c>pods/exec</c>, which is checked as <c>create</c>) and its namespace. An unknown token is
/// 401; a missing grant is 403. The admin token (<see cref="AdminToken"/>) may do everything.
/// </summary>
public sealed class FakeAuth
{
    /// <summary>The token of the all-powerful user; <see cref="FakeKubeApiServer.ClientConfiguration"/> carries it.</summary>
    public const string AdminToken = "fake-admin-token-not-a-secret";

    public const string AdminUser = "kubernetes-admin";

    private readonly ConcurrentDictionary<string, FakeIdentity> _tokens = new(StringComparer.Ordinal);

    public FakeAuth()
    {
        AddToken(AdminToken, AdminUser, Grant.Everything);
    }

    /// <summary>Adds (or replaces) a token for <paramref name="user"/> with these grants.</summary>
    public void AddToken(string token, string user, params Grant[] grants)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(user);
        _tokens[token] = new FakeIdentity(user, [.. grants]);
    }

    /// <summary>Adds a token for a service account (<c>system:serviceaccount:NS:NAME</c>) and returns it.</summary>
    public string AddServiceAccount(string ns, string name, params Grant[] grants)
    {
        var token = $"token-{ns}-{name}";
        AddToken(token, $"system:serviceaccount:{ns}:{name}", grants);
        return token;
    }

    public void RemoveToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>Who a request is, from its <c>Authorization</c> header; null when unauthenticated.</summary>
    internal FakeIdentity? Authenticate(string? authorization)
    {
        const string Bearer = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return _tokens.GetValueOrDefault(authorization[Bearer.Length..].Trim());
    }
}

/// <summary>An authenticated user and what it may do.</summary>
public sealed record FakeIdentity(string User, IReadOnlyList<Grant> Grants)
{
    public bool Allows(string verb, string resource, string? ns) => Grants.Any(g => g.Allows(verb, resource, ns));
}

/// <summary>
/// One RBAC-like rule: verbs × resources in one namespace (or, when <see cref="Namespace"/> is null, in every namespace
/// and cluster-wide). <c>*</c> stands for any verb or resource; <c>pods</c> does not cover <c>pods/exec</c>.
/// </summary>
public sealed record Grant(IReadOnlySet<string> Verbs, IReadOnlySet<string> Resources, string? Namespace)
{
    public static Grant Everything { get; } = new(new HashSet<string> { "*" }, new HashSet<string> { "*" }, null);

    /// <summary>A grant from comma-separated lists: <c>Grant.Allow("get,list,watch", "pods,jobs", "wf")</c>.</summary>
    public static Grant Allow(string verbs, string resources, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(verbs);
        ArgumentNullException.ThrowIfNull(resources);
        return new(Split(verbs), Split(resources), ns);
    }

    public bool Allows(string verb, string resource, string? ns) =>
        (Verbs.Contains("*") || Verbs.Contains(verb))
        && (Resources.Contains("*") || Resources.Contains(resource))
        && (Namespace is null || Namespace == ns);

    private static HashSet<string> Split(string list) =>
        new(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}
