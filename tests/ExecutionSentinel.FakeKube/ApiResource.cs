namespace ExecutionSentinel.FakeKube;

/// <summary>
/// One kind the server serves: where it lives (group, version, plural), what it is called (kind, list kind), and which
/// fields a <c>fieldSelector</c> may name (every kind takes <c>metadata.name</c> and <c>metadata.namespace</c>; pods and
/// Jobs add the fields their real field-label conversion functions accept). Most kinds live in a namespace; the cluster
/// roles and their bindings do not (<see cref="Namespaced"/>), and access reviews are only ever created, never stored.
/// </summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Singular, string Kind, IReadOnlyList<string> SelectableFields, IReadOnlyList<string> ShortNames)
{
    /// <summary>The API group of RBAC's four kinds.</summary>
    public const string RbacGroup = "rbac.authorization.k8s.io";

    public static ApiResource Pods { get; } = new(
        "", "v1", "pods", "pod", "Pod",
        ["metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        ["po"]);

    public static ApiResource ConfigMaps { get; } = new("", "v1", "configmaps", "configmap", "ConfigMap", ["metadata.name", "metadata.namespace"], ["cm"]);

    public static ApiResource Jobs { get; } = new("batch", "v1", "jobs", "job", "Job", ["metadata.name", "metadata.namespace", "status.successful"], []);

    public static ApiResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "lease", "Lease", ["metadata.name", "metadata.namespace"], []);

    /// <summary>Served so that kubectl knows the kind (<c>kubectl auth can-i get secrets</c>); nothing stores any.</summary>
    public static ApiResource Secrets { get; } = new("", "v1", "secrets", "secret", "Secret", ["metadata.name", "metadata.namespace", "type"], []);

    public static ApiResource ServiceAccounts { get; } = new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", ["metadata.name", "metadata.namespace"], ["sa"]);

    public static ApiResource Roles { get; } = new(RbacGroup, "v1", "roles", "role", "Role", ["metadata.name", "metadata.namespace"], []);

    public static ApiResource RoleBindings { get; } = new(RbacGroup, "v1", "rolebindings", "rolebinding", "RoleBinding", ["metadata.name", "metadata.namespace"], []);

    public static ApiResource ClusterRoles { get; } = new(RbacGroup, "v1", "clusterroles", "clusterrole", "ClusterRole", ["metadata.name"], []) { Namespaced = false };

    public static ApiResource ClusterRoleBindings { get; } = new(RbacGroup, "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", ["metadata.name"], []) { Namespaced = false };

    /// <summary>"May I?" (<c>kubectl auth can-i</c>): created and answered at once, never stored.</summary>
    public static ApiResource SelfSubjectAccessReviews { get; } = new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", [], [])
    {
        Namespaced = false,
        Verbs = ["create"],
    };

    /// <summary>Every kind served, in discovery order.</summary>
    public static IReadOnlyList<ApiResource> All { get; } =
        [Pods, ConfigMaps, Secrets, ServiceAccounts, Jobs, Leases, Roles, RoleBindings, ClusterRoles, ClusterRoleBindings, SelfSubjectAccessReviews];

    /// <summary>Whether objects of this kind live in a namespace (false: cluster-scoped, stored under the namespace <c>""</c>).</summary>
    public bool Namespaced { get; init; } = true;

    /// <summary>The verbs discovery lists for it.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary><c>v1</c> or <c>batch/v1</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    /// <summary>The name a Status uses for the resource: <c>pods</c>, <c>jobs.batch</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : Plural + "." + Group;

    public static ApiResource? Find(string plural) => All.FirstOrDefault(r => r.Plural == plural);

    public static ApiResource? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);
}
