using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.DependencyInjection;
using static ExecutionSentinel.Tests.Kubernetes.Integration.RbacManifestTests;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// The library runs as the manifest's service account, with only what docs/rbac.yaml (applied with kubectl) binds to it:
/// observe and signal are enough to watch a workflow to its end; without signal the exec is refused and reported as
/// access denied; the narrowed signal Role of the manifest's comments reaches the engine pod; act lets an enabled
/// watchdog delete a Job, and without it the delete is refused.
/// </summary>
public sealed class RbacManifestWatchTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task Observe_and_signal_bound_as_the_manifest_says_are_enough_to_watch_a_workflow_to_completion()
    {
        await using var harness = await StartAsync();
        using var kubectl = await ApplyAsync(harness);
        foreach (var binding in new[] { "execution-sentinel-observe", "execution-sentinel-signal", "execution-sentinel-act" })
        {
            await OkAsync(kubectl, "delete", "rolebinding", binding, "-n", Workflow);
        }

        // The manifest's per-namespace bindings, as its comments give them (observe and signal; no act).
        var perNamespace = RbacManifest.Commands().Where(c => c.Args is ["create", "rolebinding", ..] && c.Args.Any(a => a.StartsWith("--clusterrole=", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, perNamespace.Count);
        foreach (var command in perNamespace)
        {
            await OkAsync(kubectl, command.ArgsWith(("wf-1000g", Workflow)));
        }

        var reports = await harness.RunAsync();

        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.AccessDenied || r.Kind == ReportKind.SignalReadFailed);
        var summary = reports[^1].Summary!;
        Assert.Equal(WatchOutcome.Completed, summary.Outcome);
        Assert.Equal(Genome.Tasks.Count, summary.CompletedTasks);
        Assert.Contains(harness.Server.Requests, r => r.Contains($"/namespaces/{Workflow}/pods/{harness.Driver.EnginePodName}/exec", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_signal_binding_the_exec_is_reported_as_access_denied()
    {
        await using var harness = await StartAsync(stopOnAccessDenied: true);
        using var kubectl = await ApplyAsync(harness);
        await OkAsync(kubectl, "delete", "rolebinding", "execution-sentinel-signal", "-n", Workflow);

        var reports = await harness.RunAsync();

        var denied = Assert.Single(reports, r => r.Kind == ReportKind.AccessDenied);
        Assert.Equal("create", denied.Details["verb"]);
        Assert.Equal("pods/exec", denied.Details["resource"]);
        Assert.Equal(WatchOutcome.Aborted, reports[^1].Summary!.Outcome);
        Assert.Equal("pods/exec", reports[^1].Summary!.AccessDenied!.Resource);
    }

    [Fact]
    public async Task The_narrowed_signal_Role_of_the_manifest_reaches_the_engine_pod_and_no_other()
    {
        await using var harness = await StartAsync();
        using var kubectl = await ApplyAsync(harness);
        await OkAsync(kubectl, "delete", "rolebinding", "execution-sentinel-signal", "-n", Workflow);
        var narrowing = RbacManifest.Commands()
            .Where(c => c.Args is ["create", "role", "execution-sentinel-signal", ..] || (c.Args is ["create", "rolebinding", "execution-sentinel-signal", ..] && c.Args.Contains("--role=execution-sentinel-signal")))
            .ToList();
        Assert.Equal(2, narrowing.Count);
        foreach (var command in narrowing)
        {
            await OkAsync(kubectl, command.ArgsWith(("wf-1000g", Workflow), ("hyperflow-engine-0", harness.Driver.EnginePodName)));
        }

        var asAccount = $"--as=system:serviceaccount:{Conductor}:{Account}";
        Assert.Equal("yes", (await kubectl.RunAsync("auth", "can-i", "create", $"pods/{harness.Driver.EnginePodName}", "--subresource=exec", "-n", Workflow, asAccount)).Stdout.Trim());
        Assert.Equal("no", (await kubectl.RunAsync("auth", "can-i", "create", "pods/another-pod", "--subresource=exec", "-n", Workflow, asAccount)).Stdout.Trim());

        var reports = await harness.RunAsync();

        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.AccessDenied);
        Assert.Equal(WatchOutcome.Completed, reports[^1].Summary!.Outcome);
    }

    [Theory]
    [InlineData(true, "Executed")]
    [InlineData(false, "Failed")]
    public async Task Act_lets_an_enabled_watchdog_delete_a_Job_and_without_it_the_delete_is_refused(bool bound, string outcome)
    {
        var straggler = FaultPicks.SameLevelTasks(Genome, 1)[0];
        await using var harness = await StartAsync(
            c => c.Faults.Add(SimulatedFault.Straggle(straggler.Name, 6, TimeSpan.FromMinutes(3))),
            b => b.AddWatchdog(o =>
            {
                o.Mode = InterventionMode.Enabled;
                o.Actions["straggler"] = InterventionAction.TerminateTask;
            }).UseCheckpoints(new MemoryCheckpointStore()));
        using var kubectl = await ApplyAsync(harness);
        if (!bound)
        {
            await OkAsync(kubectl, "delete", "rolebinding", "execution-sentinel-act", "-n", Workflow);
        }

        var reports = await harness.RunAsync();

        var intervention = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.Intervention);
        Assert.Equal(outcome, intervention.Details["outcome"]);
        var deletes = harness.Server.Requests.Where(r => r.StartsWith($"DELETE /apis/batch/v1/namespaces/{Workflow}/jobs/{intervention.JobName}", StringComparison.Ordinal)).ToList();
        Assert.Single(deletes); // Tried once, with or without the permission.
        Assert.Equal(bound ? 1 : 0, harness.Services.GetRequiredService<ExecutionSentinel.Watchdog.WatchdogStatusProvider>().GetStatus().InterventionsDone);
    }

    private static Task<KubeHarness> StartAsync(bool stopOnAccessDenied) => StartAsync(sentinel: o =>
    {
        o.StopOnAccessDenied = stopOnAccessDenied;
    });

    private static Task<KubeHarness> StartAsync(Action<SimulatedClusterOptions>? cluster = null, Action<ISentinelBuilder>? builder = null, Action<SentinelOptions>? sentinel = null) =>
        KubeHarness.StartAsync(
            Genome,
            cluster,
            sentinel: o =>
            {
                o.WatchTimeout = TimeSpan.FromHours(1);
                sentinel?.Invoke(o);
            },
            builder: builder,
            workflowNamespace: Workflow,
            serviceAccount: (Conductor, Account));

    /// <summary>Applies docs/rbac.yaml with kubectl (as the admin) and hands back that kubectl.</summary>
    private static async Task<Kubectl> ApplyAsync(KubeHarness harness)
    {
        var kubectl = new Kubectl(harness.Server.Address);
        await OkAsync(kubectl, "apply", "-f", RbacManifest.FilePath);
        return kubectl;
    }

    private static async Task OkAsync(Kubectl kubectl, params string[] args)
    {
        var (exit, _, stderr) = await kubectl.RunAsync(args);
        Assert.True(exit == 0, $"kubectl {string.Join(' ', args)}: {stderr}");
    }
}
