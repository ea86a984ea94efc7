using System.Collections.Concurrent;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// Authentication by bearer token and authorisation by grants, as RBAC decides: a request is allowed when one of its
/// token's grants covers its verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>, <c>patch</c>,
/// <c>delete</c>, <c>deletecollection</c>), its resource (<c>pods</c>, <c>jobs</c>, <c>leases</c>, <c>configmaps</c>,
/// or a subresource such as <c>pods/exec</c>, which is checked as <c>create</c>) and its namespace, or when the RBAC
/// objects stored in the server allow it (<see cref="RbacAuthorizer"/>; both add up, as a real server's authorisers do).
/// An unknown token is 401; a missing grant is 403. The admin token (<see cref="AdminToken"/>) may do everything.
/// A service account's token made by <see cref="IssueServiceAccountToken"/> is valid only while that ServiceAccount object
/// exists, as a bound token is.
/// </summary>
public sealed class FakeAuth
{
    /// <summary>The token of the all-powerful user; <see cref="FakeKubeApiServer.ClientConfiguration"/> carries it.</summary>
    public const string AdminToken = "fake-admin-token-not-a-secret";

    public const string AdminUser = "kubernetes-admin";

    private const string SystemAuthenticated = "system:authenticated";

    private readonly ConcurrentDictionary<string, FakeIdentity> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Namespace, string Name)> _boundTokens = new(StringComparer.Ordinal);
    private readonly ObjectStore? _store;

    public FakeAuth()
        : this(store: null)
    {
    }

    internal FakeAuth(ObjectStore? store)
    {
        _store = store;
        _tokens[AdminToken] = new FakeIdentity(AdminUser, [Grant.Everything]) { Groups = ["system:masters", SystemAuthenticated] };
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
        _tokens[token] = ServiceAccount(ns, name, grants);
        return token;
    }

    /// <summary>
    /// A token for the service account <paramref name="ns"/>/<paramref name="name"/> with no grants of its own: what it
    /// may do is what the stored RBAC objects bind to it. Valid only while the ServiceAccount object exists (401 else).
    /// </summary>
    public string IssueServiceAccountToken(string ns, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var token = $"bound-token-{ns}-{name}-{Guid.NewGuid():N}";
        _boundTokens[token] = (ns, name);
        return token;
    }

    public void RemoveToken(string token)
    {
        _tokens.TryRemove(token, out _);
        _boundTokens.TryRemove(token, out _);
    }

    /// <summary>Who a request is, from its <c>Authorization</c> header; null when unauthenticated.</summary>
    internal FakeIdentity? Authenticate(string? authorization)
    {
        const string Bearer = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization[Bearer.Length..].Trim();
        if (_boundTokens.TryGetValue(token, out var account))
        {
            return _store?.Get("serviceaccounts", account.Namespace, account.Name) is null ? null : ServiceAccount(account.Namespace, account.Name, []);
        }

        return _tokens.GetValueOrDefault(token);
    }

    /// <summary>
    /// The user a request impersonates (<c>Impersonate-User</c>, <c>Impersonate-Group</c>, as <c>kubectl --as</c> sends
    /// them): a service account's name brings its groups, as the API server adds them. It has no grants: only stored RBAC.
    /// </summary>
    internal static FakeIdentity Impersonated(string user, IReadOnlyList<string> groups)
    {
        if (groups.Count == 0 && user.Split(':') is ["system", "serviceaccount", var ns, var name])
        {
            return ServiceAccount(ns, name, []);
        }

        return new FakeIdentity(user, []) { Groups = [.. groups.Append(SystemAuthenticated).Distinct(StringComparer.Ordinal)] };
    }

    private static FakeIdentity ServiceAccount(string ns, string name, Grant[] grants) =>
        new($"system:serviceaccount:{ns}:{name}", [.. grants]) { Groups = ["system:serviceaccounts", $"system:serviceaccounts:{ns}", SystemAuthenticated] };
}

/// <summary>An authenticated user, its groups, and the grants it has besides what stored RBAC objects bind to it.</summary>
public sealed record FakeIdentity(string User, IReadOnlyList<Grant> Grants)
{
    /// <summary>The user's groups (RBAC binds Group subjects to them).</summary>
    public IReadOnlyList<string> Groups { get; init; } = ["system:authenticated"];

    /// <summary>Whether one of the identity's own grants allows it (stored RBAC objects aside).</summary>
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
