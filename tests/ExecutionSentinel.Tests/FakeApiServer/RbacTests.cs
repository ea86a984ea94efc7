using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// The fake server's RBAC, checked with the real kubectl, as the Kubernetes documentation describes a real server's:
/// malformed Roles and bindings are refused (422 naming each field; 400 for an unknown field under
/// <c>fieldValidation=Strict</c>); what a real server accepts is accepted and means what it means there (a create rule
/// with resourceNames never matches; a RoleBinding's ServiceAccount subject without a namespace is in the binding's);
/// a binding's roleRef cannot change; a service account's token may do what stored bindings give it, from the moment
/// they exist until they go, and nothing once its ServiceAccount is gone; <c>kubectl auth can-i</c> answers for a token
/// and for impersonated users and groups.
/// </summary>
public sealed class RbacTests : FakeServerTest
{
    private const string Reader = "system:serviceaccount:wf:reader";

    public static TheoryData<string, string> Malformed => new()
    {
        {
            "kind: ClusterRole\nmetadata: {name: r}\nrules:\n- {apiGroups: [''], resources: [pods]}",
            "The ClusterRole \"r\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value"
        },
        {
            "kind: Role\nmetadata: {name: r, namespace: wf}\nrules:\n- {resources: [pods], verbs: [get]}",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group"
        },
        {
            "kind: Role\nmetadata: {name: r, namespace: wf}\nrules:\n- {apiGroups: [''], verbs: [get]}",
            "rules[0].resources: Required value: resource rules must supply at least one resource"
        },
        {
            "kind: Role\nmetadata: {name: r, namespace: wf}\nrules:\n- {nonResourceURLs: [/healthz], verbs: [get]}",
            "rules[0].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs"
        },
        {
            "kind: Role\nmetadata: {name: r, namespace: wf}\nrules:\n- {apiGroups: [''], resources: [pods], resourceName: [a], verbs: [get]}",
            "Role in version \"v1\" cannot be handled as a Role: strict decoding error: unknown field \"rules[0].resourceName\""
        },
        {
            "kind: RoleBinding\nmetadata: {name: b, namespace: wf}\nsubjects: [{kind: ServiceAccount, name: reader}]\nroleRef: {apiGroup: rbac.authorization.k8s.io/v1, kind: Role, name: r}",
            "roleRef.apiGroup: Unsupported value: \"rbac.authorization.k8s.io/v1\": supported values: \"rbac.authorization.k8s.io\""
        },
        {
            "kind: RoleBinding\nmetadata: {name: b, namespace: wf}\nsubjects: [{kind: ServiceAccount, name: reader}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRoles, name: r}",
            "roleRef.kind: Unsupported value: \"ClusterRoles\": supported values: \"Role\", \"ClusterRole\""
        },
        {
            "kind: RoleBinding\nmetadata: {name: b, namespace: wf}\nsubjects: [{kind: Serviceaccount, name: reader}]\nroleRef: {kind: Role, name: r}",
            "subjects[0].kind: Unsupported value: \"Serviceaccount\": supported values: \"ServiceAccount\", \"User\", \"Group\""
        },
        {
            "kind: RoleBinding\nmetadata: {name: b, namespace: wf}\nsubjects: [{kind: User, apiGroup: v1, name: alice}]\nroleRef: {kind: Role, name: r}",
            "subjects[0].apiGroup: Unsupported value: \"v1\": supported values: \"rbac.authorization.k8s.io\""
        },
        {
            "kind: ClusterRoleBinding\nmetadata: {name: b}\nsubjects: [{kind: ServiceAccount, name: reader}]\nroleRef: {kind: Role, name: r}",
            "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""
        },
        {
            "kind: ClusterRoleBinding\nmetadata: {name: b}\nsubjects: [{kind: ServiceAccount, name: reader}]\nroleRef: {kind: ClusterRole, name: r}",
            "subjects[0].namespace: Required value"
        },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_RBAC_objects_are_refused_as_a_real_server_refuses_them(string yaml, string expected)
    {
        var (exit, _, stderr) = await ApplyAsync(yaml);

        Assert.Equal(1, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Empty(Server.Store.List("roles", null, LabelSelector.Everything).Items);
        Assert.Empty(Server.Store.List("rolebindings", null, LabelSelector.Everything).Items);
        Assert.Empty(Server.Store.List("clusterroles", null, LabelSelector.Everything).Items);
        Assert.Empty(Server.Store.List("clusterrolebindings", null, LabelSelector.Everything).Items);
    }

    [Fact]
    public async Task What_a_real_server_accepts_is_accepted_and_means_what_it_means_there()
    {
        var token = await ServiceAccountAsync("reader");
        var (exit, _, stderr) = await ApplyAsync("""
            kind: Role
            metadata: {name: leases, namespace: wf}
            rules:
            - {apiGroups: [coordination.k8s.io], resources: [leases], resourceNames: [mine], verbs: [create, get]}
            ---
            kind: RoleBinding
            metadata: {name: leases, namespace: wf}
            subjects: [{kind: ServiceAccount, name: reader}]
            roleRef: {kind: Role, name: leases}
            """);
        var account = KubectlAs(token);

        Assert.True(exit == 0, stderr);
        var binding = Server.Store.Get("rolebindings", Ns, "leases")!.Node;
        Assert.Equal("rbac.authorization.k8s.io", (string?)binding["roleRef"]!["apiGroup"]); // defaulted
        Assert.Equal("yes", await CanIAsync(account, "get", "leases/mine", "-n", Ns)); // the subject is in the binding's namespace
        Assert.Equal("no", await CanIAsync(account, "get", "leases/other", "-n", Ns));
        Assert.Equal("no", await CanIAsync(account, "create", "leases", "-n", Ns)); // a create names nothing: resourceNames never match it
        var (created, _, refused) = await account.RunWithInputAsync(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: mine}\n", "create", "-n", Ns, "-f", "-");
        Assert.Equal(1, created);
        Assert.Contains($"leases.coordination.k8s.io is forbidden: User \"{Reader}\" cannot create resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"wf\"", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bindings_roleRef_cannot_change()
    {
        const string Binding = "kind: RoleBinding\nmetadata: {name: b, namespace: wf}\nsubjects: [{kind: ServiceAccount, name: reader}]\nroleRef: {kind: ROLEKIND, name: ROLE}";
        var (first, _, firstError) = await ApplyAsync(Binding.Replace("ROLEKIND", "Role", StringComparison.Ordinal).Replace("ROLE", "a", StringComparison.Ordinal));

        var (exit, _, stderr) = await ApplyAsync(Binding.Replace("ROLEKIND", "ClusterRole", StringComparison.Ordinal).Replace("ROLE", "b", StringComparison.Ordinal));

        Assert.True(first == 0, firstError);
        Assert.Equal(1, exit);
        Assert.Contains(
            "The RoleBinding \"b\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"b\"}: cannot change roleRef",
            stderr, StringComparison.Ordinal);
        Assert.Equal("a", (string?)Server.Store.Get("rolebindings", Ns, "b")!.Node["roleRef"]!["name"]);
    }

    [Fact]
    public async Task A_service_account_token_may_do_what_stored_bindings_give_it_while_they_and_its_account_exist()
    {
        Pod("a");
        Pod("b", ns: "other");
        Job("j");
        Server.WriteFile(Ns, "a", "main", "/signal", "0\n");
        var token = Server.Auth.IssueServiceAccountToken(Ns, "reader");
        var account = KubectlAs(token);
        var exec = new[] { "exec", "a", "-n", Ns, "-c", "main", "--", "cat", "/signal" };

        var (beforeAccount, _, unauthenticated) = await account.RunAsync("get", "pods", "-n", Ns);
        await KubectlOkAsync("create", "serviceaccount", "reader", "-n", Ns);
        var (unbound, _, forbidden) = await account.RunAsync("get", "pods", "-n", Ns);
        Assert.True((await ApplyAsync("""
            kind: Role
            metadata: {name: pods, namespace: wf}
            rules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]
            ---
            kind: RoleBinding
            metadata: {name: pods, namespace: wf}
            subjects: [{kind: ServiceAccount, name: reader, namespace: wf}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pods}
            """)).ExitCode == 0);
        var (listed, pods, _) = await account.RunAsync("get", "pods", "-n", Ns, "-o", "name");
        var (execWithPods, _, execRefused) = await account.RunAsync(exec);
        Assert.True((await ApplyAsync("""
            kind: ClusterRole
            metadata: {name: exec-anything}
            rules: [{apiGroups: [''], resources: ['*/exec'], verbs: [create]}]
            ---
            kind: RoleBinding
            metadata: {name: exec, namespace: wf}
            subjects: [{kind: ServiceAccount, name: reader, namespace: wf}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: exec-anything}
            ---
            kind: ClusterRoleBinding
            metadata: {name: all-accounts-of-wf-list-jobs}
            subjects: [{kind: Group, name: 'system:serviceaccounts:wf'}]
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: job-lister}
            ---
            kind: ClusterRole
            metadata: {name: job-lister}
            rules: [{apiGroups: [batch], resources: [jobs], verbs: [list]}]
            """)).ExitCode == 0);
        var (execBound, signal, execError) = await account.RunAsync(exec);
        var (otherPods, _, _) = await account.RunAsync("get", "pods", "-n", "other");
        var (jobsEverywhere, _, jobsError) = await account.RunAsync("get", "jobs", "--all-namespaces");
        await KubectlOkAsync("delete", "rolebinding", "pods", "-n", Ns);
        var (revoked, _, _) = await account.RunAsync("get", "pods", "-n", Ns);
        await KubectlOkAsync("delete", "serviceaccount", "reader", "-n", Ns);
        var (accountGone, _, goneError) = await account.RunAsync("get", "jobs", "--all-namespaces");

        Assert.Equal(1, beforeAccount);
        Assert.Contains("You must be logged in to the server", unauthenticated, StringComparison.Ordinal);
        Assert.Equal(1, unbound);
        Assert.Contains($"pods is forbidden: User \"{Reader}\" cannot list resource \"pods\" in API group \"\" in the namespace \"wf\"", forbidden, StringComparison.Ordinal);
        Assert.Equal(0, listed);
        Assert.Equal("pod/a", pods.Trim());
        Assert.NotEqual(0, execWithPods); // "pods" does not cover "pods/exec"
        Assert.Contains($"cannot create resource \"pods/exec\" in API group \"\" in the namespace \"wf\"", execRefused, StringComparison.Ordinal);
        Assert.True(execBound == 0, execError); // "*/exec" does
        Assert.Equal("0", signal.Trim());
        Assert.Equal(1, otherPods); // a RoleBinding grants in its own namespace only
        Assert.True(jobsEverywhere == 0, jobsError); // a ClusterRoleBinding everywhere, to the account's group
        Assert.Equal(1, revoked);
        Assert.Equal(1, accountGone);
        Assert.Contains("You must be logged in to the server", goneError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_auth_can_i_answers_for_impersonated_users_and_groups_and_impersonating_needs_the_right()
    {
        Assert.Equal(0, (await ApplyAsync("""
            kind: ClusterRole
            metadata: {name: job-reader}
            rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, list, watch]}]
            ---
            kind: RoleBinding
            metadata: {name: alice, namespace: wf}
            subjects: [{kind: User, name: alice}]
            roleRef: {kind: ClusterRole, name: job-reader}
            ---
            kind: RoleBinding
            metadata: {name: devs, namespace: wf}
            subjects: [{kind: Group, name: devs}]
            roleRef: {kind: ClusterRole, name: job-reader}
            """)).ExitCode);
        var token = await ServiceAccountAsync("reader");

        Assert.Equal("yes", await CanIAsync(Kubectl, "list", "jobs", "-n", Ns, "--as=alice"));
        Assert.Equal("no", await CanIAsync(Kubectl, "delete", "jobs", "-n", Ns, "--as=alice"));
        Assert.Equal("no", await CanIAsync(Kubectl, "list", "jobs", "-n", "other", "--as=alice"));
        Assert.Equal("no", await CanIAsync(Kubectl, "list", "jobs", "-n", Ns, "--as=bob"));
        Assert.Equal("yes", await CanIAsync(Kubectl, "list", "jobs", "-n", Ns, "--as=bob", "--as-group=devs"));
        Assert.Equal("yes", await CanIAsync(Kubectl, "delete", "jobs", "-n", Ns)); // the admin
        var (exit, _, stderr) = await KubectlAs(token).RunAsync("auth", "can-i", "list", "jobs", "-n", Ns, "--as=alice");
        Assert.NotEqual(0, exit);
        Assert.Contains($"users \"alice\" is forbidden: User \"{Reader}\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", stderr, StringComparison.Ordinal);
    }

    /// <summary>Creates the ServiceAccount with kubectl and returns a token bound to it.</summary>
    private async Task<string> ServiceAccountAsync(string name)
    {
        await KubectlOkAsync("create", "serviceaccount", name, "-n", Ns);
        return Server.Auth.IssueServiceAccountToken(Ns, name);
    }

    /// <summary><c>kubectl apply -f -</c> as the admin, each document of <paramref name="yaml"/> given the RBAC apiVersion.</summary>
    private Task<(int ExitCode, string Stdout, string Stderr)> ApplyAsync(string yaml)
    {
        var documents = yaml.Split("---", StringSplitOptions.TrimEntries).Select(d => "apiVersion: rbac.authorization.k8s.io/v1\n" + d);
        return Kubectl.RunWithInputAsync(string.Join("\n---\n", documents) + "\n", "apply", "-f", "-");
    }

    /// <summary><c>kubectl auth can-i …</c>: "yes" (exit 0) or "no" (exit 1); anything else fails the test.</summary>
    private static async Task<string> CanIAsync(Kubectl kubectl, params string[] question)
    {
        var (exit, stdout, stderr) = await kubectl.RunAsync(["auth", "can-i", .. question]);
        var answer = stdout.Trim();
        Assert.True((answer == "yes" && exit == 0) || (answer.StartsWith("no", StringComparison.Ordinal) && exit == 1),
            $"kubectl auth can-i {string.Join(' ', question)}: exit {exit}, '{answer}', {stderr}");
        return answer == "yes" ? "yes" : "no";
    }
}
