using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Tests.FakeApiServer;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// docs/rbac.yaml, applied with plain <c>kubectl apply</c> to the fake API server (which validates RBAC objects and
/// authorises from them as a real server does, see <see cref="RbacAuthorizer"/>), grants the service account exactly
/// what each capability says: <c>kubectl auth can-i</c> with the account's own token answers yes for each permission and
/// no beside it (other verbs, kinds, namespaces, Lease names). The commands in the manifest's comments run as written.
/// </summary>
public sealed class RbacManifestTests : FakeServerTest
{
    internal const string Conductor = "conductor";
    internal const string Workflow = "hyperflow";
    internal const string Account = "execution-sentinel";
    internal const string LeaseName = "execution-sentinel-watchdog";

    [Fact]
    public async Task Plain_kubectl_apply_creates_every_object_of_the_manifest()
    {
        var (exit, stdout, stderr) = await Kubectl.RunAsync("apply", "-f", RbacManifest.FilePath);

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            [
                "serviceaccount/execution-sentinel created",
                "clusterrole.rbac.authorization.k8s.io/execution-sentinel-observe created",
                "clusterrole.rbac.authorization.k8s.io/execution-sentinel-signal created",
                "clusterrole.rbac.authorization.k8s.io/execution-sentinel-act created",
                "role.rbac.authorization.k8s.io/execution-sentinel-lead created",
                "rolebinding.rbac.authorization.k8s.io/execution-sentinel-observe created",
                "rolebinding.rbac.authorization.k8s.io/execution-sentinel-signal created",
                "rolebinding.rbac.authorization.k8s.io/execution-sentinel-act created",
                "rolebinding.rbac.authorization.k8s.io/execution-sentinel-lead created",
            ],
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(Server.Requests, r => r.Contains("fieldValidation=Strict", StringComparison.Ordinal)); // validated by the server, not skipped
        var (again, unchanged, _) = await Kubectl.RunAsync("apply", "-f", RbacManifest.FilePath);
        Assert.Equal(0, again);
        Assert.All(unchanged.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.EndsWith(" unchanged", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_capability_grants_exactly_its_permissions_to_the_service_account()
    {
        await ApplyAsync();
        var account = KubectlAs(Server.Auth.IssueServiceAccountToken(Conductor, Account));
        string[][] yes =
        [
            // observe, in the workflow namespace
            ["get", "pods", "-n", Workflow], ["list", "pods", "-n", Workflow], ["watch", "pods", "-n", Workflow],
            ["get", "jobs", "-n", Workflow], ["list", "jobs", "-n", Workflow], ["watch", "jobs", "-n", Workflow],
            // signal
            ["create", "pods", "--subresource=exec", "-n", Workflow], ["get", "pods/hyperflow-engine-0", "--subresource=exec", "-n", Workflow],
            // act
            ["delete", "jobs", "-n", Workflow], ["delete", "jobs/job-a", "-n", Workflow],
            // lead, in the conductor's namespace, on its one Lease (create cannot be scoped)
            ["get", $"leases/{LeaseName}", "-n", Conductor], ["update", $"leases/{LeaseName}", "-n", Conductor], ["create", "leases", "-n", Conductor],
        ];
        string[][] no =
        [
            // other verbs and kinds in the workflow namespace
            ["delete", "pods", "-n", Workflow], ["update", "pods", "-n", Workflow], ["patch", "pods", "-n", Workflow], ["create", "pods", "-n", Workflow],
            ["update", "jobs", "-n", Workflow], ["patch", "jobs", "-n", Workflow], ["create", "jobs", "-n", Workflow], ["deletecollection", "jobs", "-n", Workflow],
            ["get", "secrets", "-n", Workflow], ["list", "secrets", "-n", Workflow], ["list", "configmaps", "-n", Workflow], ["get", "serviceaccounts", "-n", Workflow],
            ["get", "pods", "--subresource=log", "-n", Workflow], ["create", "pods", "--subresource=attach", "-n", Workflow],
            ["create", "rolebindings", "-n", Workflow], ["get", "leases", "-n", Workflow], ["create", "leases", "-n", Workflow],
            // other namespaces, and the whole cluster
            ["list", "pods", "-n", "other"], ["create", "pods", "--subresource=exec", "-n", "other"], ["delete", "jobs", "-n", "other"],
            ["list", "pods", "-n", Conductor], ["delete", "jobs", "-n", Conductor], ["list", "pods", "--all-namespaces"], ["list", "clusterroles"],
            // the Lease: nothing but get/update of the named one, and create
            ["get", "leases", "-n", Conductor], ["list", "leases", "-n", Conductor], ["watch", "leases", "-n", Conductor],
            ["get", "leases/other", "-n", Conductor], ["update", "leases/other", "-n", Conductor], ["patch", $"leases/{LeaseName}", "-n", Conductor],
            ["delete", $"leases/{LeaseName}", "-n", Conductor], ["create", "leases", "-n", "other"], ["get", $"leases/{LeaseName}", "-n", "other"],
        ];

        var wrong = new List<string>();
        foreach (var (questions, expected) in new[] { (yes, "yes"), (no, "no") })
        {
            foreach (var question in questions)
            {
                if (await CanIAsync(account, question) is var answer && answer != expected)
                {
                    wrong.Add($"can-i {string.Join(' ', question)}: {answer}, expected {expected}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task The_checks_in_the_manifest_answer_as_its_comments_say()
    {
        await ApplyAsync();
        var checks = RbacManifest.Commands().Where(c => c.Expect is not null).ToList();

        Assert.NotEmpty(checks);
        foreach (var check in checks)
        {
            Assert.Equal(check.Expect, await CanIAsync(Kubectl, [.. check.Args.Skip(2)])); // "auth can-i" run by the admin, --as the account
        }
    }

    [Fact]
    public async Task Lead_lets_the_conductor_lead_on_its_Lease_and_a_pre_created_Lease_needs_no_create()
    {
        await ApplyAsync();
        var client = Client(Server.Auth.IssueServiceAccountToken(Conductor, Account));

        await using (var first = new LeaseLeadership(Election(client, "replica-1")))
        {
            await LeadsAsync(first);
            var lease = await Client().CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, Conductor);
            Assert.Equal("replica-1", lease.Spec.HolderIdentity);
        }

        // The manifest's way without create: the Lease made beforehand (by its own command), the Role without the create rule.
        var precreate = Assert.Single(RbacManifest.Commands(), c => c.Stdin is not null && c.Stdin.Contains("kind: Lease", StringComparison.Ordinal));
        await KubectlOkAsync("delete", "lease", LeaseName, "-n", Conductor);
        var (created, _, createError) = await Kubectl.RunWithInputAsync(precreate.Stdin, [.. precreate.Args]);
        Assert.True(created == 0, createError);
        await KubectlOkAsync("delete", "role", "execution-sentinel-lead", "-n", Conductor);
        await KubectlOkAsync("create", "role", "execution-sentinel-lead", "-n", Conductor, "--verb=get,update", "--resource=leases", $"--resource-name={LeaseName}");
        Assert.Equal("no", await CanIAsync(Kubectl, "create", "leases", "-n", Conductor, $"--as=system:serviceaccount:{Conductor}:{Account}"));

        await using var second = new LeaseLeadership(Election(client, "replica-2"));
        await LeadsAsync(second);
        Assert.Equal("replica-2", (await Client().CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, Conductor)).Spec.HolderIdentity);
    }

    /// <summary><c>kubectl apply -f docs/rbac.yaml</c>, as the admin.</summary>
    private async Task ApplyAsync() => await KubectlOkAsync("apply", "-f", RbacManifest.FilePath);

    /// <summary><c>kubectl auth can-i …</c>: "yes" (exit 0) or "no" (exit 1); anything else fails the test.</summary>
    private static async Task<string> CanIAsync(Kubectl kubectl, params string[] question)
    {
        var (exit, stdout, stderr) = await kubectl.RunAsync(["auth", "can-i", .. question]);
        var answer = stdout.Trim();
        Assert.True((answer == "yes" && exit == 0) || (answer.StartsWith("no", StringComparison.Ordinal) && exit == 1),
            $"kubectl auth can-i {string.Join(' ', question)}: exit {exit}, '{answer}', {stderr}");
        return answer == "yes" ? "yes" : "no";
    }

    private static LeaderElectionConfig Election(IKubernetes client, string identity) => new(new LeaseLock(client, Conductor, LeaseName, identity))
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Completes when the replica leads: awaits its leadership event (at most 30 s), never polls.</summary>
    private static Task LeadsAsync(LeaseLeadership leadership)
    {
        var leads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leadership.LeadershipChanged += leading =>
        {
            if (leading)
            {
                leads.TrySetResult();
            }
        };
        if (leadership.IsLeader)
        {
            leads.TrySetResult();
        }

        return leads.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
