namespace ExecutionSentinel.FakeKube;

/// <summary>
/// One kind the server serves: where it lives (group, version, plural), what it is called (kind, list kind), and which
/// fields a <c>fieldSelector</c> may name (every kind takes <c>metadata.name</c> and <c>metadata.namespace</c>; pods and
/// Jobs add the fields their real field-label conversion functions accept).
/// </summary>
public sealed record ApiResource(string Group, string Version, string Plural, string Singular, string Kind, IReadOnlyList<string> SelectableFields, IReadOnlyList<string> ShortNames)
{
    public static ApiResource Pods { get; } = new(
        "", "v1", "pods", "pod", "Pod",
        ["metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"],
        ["po"]);

    public static ApiResource ConfigMaps { get; } = new("", "v1", "configmaps", "configmap", "ConfigMap", ["metadata.name", "metadata.namespace"], ["cm"]);

    public static ApiResource Jobs { get; } = new("batch", "v1", "jobs", "job", "Job", ["metadata.name", "metadata.namespace", "status.successful"], []);

    public static ApiResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "lease", "Lease", ["metadata.name", "metadata.namespace"], []);

    /// <summary>Every kind served, in discovery order.</summary>
    public static IReadOnlyList<ApiResource> All { get; } = [Pods, ConfigMaps, Jobs, Leases];

    /// <summary><c>v1</c> or <c>batch/v1</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    /// <summary>The name a Status uses for the resource: <c>pods</c>, <c>jobs.batch</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : Plural + "." + Group;

    public static ApiResource? Find(string plural) => All.FirstOrDefault(r => r.Plural == plural);

    public static ApiResource? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);
}
