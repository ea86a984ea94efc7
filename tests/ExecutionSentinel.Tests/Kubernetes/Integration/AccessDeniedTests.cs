using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;

namespace ExecutionSentinel.Tests.Kubernetes.Integration;

/// <summary>
/// RBAC refusals over HTTP against the fake server's grants: reported as access denied, naming the verb and resource,
/// never as lost connectivity; the application may choose to end the watch at once.
/// </summary>
public sealed class AccessDeniedTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task A_refused_list_is_reported_as_access_denied_and_ends_the_watch_when_asked()
    {
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            sentinel: o => o.StopOnAccessDenied = true,
            grants: [Grant.Allow("get,list,watch", "pods"), Grant.Allow("create", "pods/exec")]); // no jobs

        var reports = await harness.RunAsync();

        var denied = Assert.Single(reports, r => r.Kind == ReportKind.AccessDenied);
        Assert.Equal("list", denied.Details["verb"]);
        Assert.Equal("jobs", denied.Details["resource"]);
        Assert.Equal("403", denied.Details["statusCode"]);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost);
        var end = reports[^1];
        Assert.Equal(ReportKind.Aborted, end.Kind);
        Assert.Equal(WatchOutcome.Aborted, end.Summary!.Outcome);
        Assert.Equal("jobs", end.Summary.AccessDenied!.Resource);
        Assert.InRange(end.Timestamp - harness.Cluster.StartedAt, TimeSpan.Zero, TimeSpan.FromSeconds(10)); // at once, not at the timeout
    }

    [Fact]
    public async Task A_refused_watch_is_reported_once_and_never_as_lost_connectivity()
    {
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            sentinel: o => o.WatchTimeout = TimeSpan.FromMinutes(3),
            grants: [Grant.Allow("get,list", "pods,jobs"), Grant.Allow("watch", "jobs"), Grant.Allow("create", "pods/exec")]); // no watch on pods

        var reports = await harness.RunAsync();

        var denied = Assert.Single(reports, r => r.Kind == ReportKind.AccessDenied);
        Assert.Equal("watch", denied.Details["verb"]);
        Assert.Equal("pods", denied.Details["resource"]);
        Assert.True(!reports.Any(r => r.Kind == ReportKind.ConnectivityLost), string.Join("\n", reports.Where(r => r.Kind == ReportKind.ConnectivityLost).Select(r => r.Message)));
        Assert.Equal(ReportKind.TimedOut, reports[^1].Kind);
    }

    [Fact]
    public async Task A_missing_exec_permission_is_named_and_never_leads_to_a_stall_or_timeout_verdict()
    {
        await using var harness = await KubeHarness.StartAsync(
            Genome,
            sentinel: o =>
            {
                o.WatchTimeout = TimeSpan.FromMinutes(15);
            },
            builder: b => Microsoft.Extensions.DependencyInjection.WatchdogSentinelBuilderExtensions.AddWatchdog(b, o => o.Mode = InterventionMode.DryRun)
                .ConfigureDetector<StallDetectorOptions>(o => o.Timeout = TimeSpan.FromMinutes(2)),
            grants: [Grant.Allow("get,list,watch", "pods,jobs")]); // no pods/exec

        var reports = await harness.RunAsync();

        var denied = Assert.Single(reports, r => r.Kind == ReportKind.AccessDenied);
        Assert.Equal("create", denied.Details["verb"]);
        Assert.Equal("pods/exec", denied.Details["resource"]);
        Assert.Contains("pods/exec", denied.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(reports, r => r.Kind == ReportKind.ConnectivityLost || r.Kind == WatchdogReportKinds.WorkflowStalled);
        var end = reports[^1];
        Assert.Equal(WatchOutcome.Aborted, end.Summary!.Outcome);
        Assert.Equal(Genome.Tasks.Count, end.Summary.CompletedTasks);
    }
}
