using System.Diagnostics;
using System.Diagnostics.Metrics;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Observability;

/// <summary>Metrics, traces and the health check, as an operator's dashboards and probes read them.</summary>
public sealed class ObservabilityTests
{
    [Fact]
    public async Task Metrics_count_reports_observations_and_tracked_tasks()
    {
        using var run = Build(c => c.Faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(45))));
        var factory = run.Provider.GetRequiredService<IMeterFactory>();
        using var reports = new MetricCollector<long>(factory, "ExecutionSentinel", "execution_sentinel.reports");
        using var observations = new MetricCollector<long>(factory, "ExecutionSentinel", "execution_sentinel.observations");
        using var tracked = new MetricCollector<long>(factory, "ExecutionSentinel", "execution_sentinel.tasks.tracked");
        using var duration = new MetricCollector<double>(factory, "ExecutionSentinel", "execution_sentinel.observation.duration");

        var emitted = await Drive.ToEndAsync(run.Sentinel.WatchAsync(run.Cluster.CreateContext()), run.Time);

        Assert.Equal(emitted.Count, reports.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(
            emitted.Count(r => r.Kind == ReportKind.ConnectivityLost),
            reports.GetMeasurementSnapshot().Where(m => (string?)m.Tags["kind"] == "connectivity-lost").Sum(m => m.Value));
        var byOutcome = observations.GetMeasurementSnapshot().GroupBy(m => (string?)m.Tags["outcome"]).ToDictionary(g => g.Key!, g => g.Sum(m => m.Value));
        Assert.InRange(byOutcome["failure"], 4, 5);
        Assert.True(byOutcome["success"] > 10);
        Assert.Equal(byOutcome.Values.Sum(), duration.GetMeasurementSnapshot().Count);
        Assert.Equal(run.Cluster.Trace.Tasks.Count, tracked.GetMeasurementSnapshot().Where(m => m.Value > 0).Sum(m => m.Value));
        Assert.Equal(0, tracked.GetMeasurementSnapshot().Sum(m => m.Value)); // The watch ended: nothing is tracked.
    }

    [Fact]
    public async Task The_health_check_is_degraded_while_connectivity_is_lost_and_healthy_after()
    {
        using var run = Build(c => c.Faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(45))));
        var check = run.Provider.GetRequiredService<SentinelHealthCheck>();
        var seen = new List<(ReportKind Kind, HealthStatus Status)>();

        await Drive.ToEndAsync(run.Sentinel.WatchAsync(run.Cluster.CreateContext()), run.Time, async report =>
            seen.Add((report.Kind, (await check.CheckHealthAsync(new HealthCheckContext())).Status)));

        Assert.Equal(HealthStatus.Degraded, seen.Single(s => s.Kind == ReportKind.ConnectivityLost).Status);
        Assert.Equal(HealthStatus.Healthy, seen.Single(s => s.Kind == ReportKind.ConnectivityRestored).Status);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task AddHealthChecks_AddExecutionSentinel_reports_through_the_hosts_HealthCheckService()
    {
        using var run = Build(c => c.Faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(45))), s => s.AddLogging().AddHealthChecks().AddExecutionSentinel());
        var health = run.Provider.GetRequiredService<HealthCheckService>();
        var seen = new List<(ReportKind Kind, HealthReportEntry Entry)>();

        await Drive.ToEndAsync(run.Sentinel.WatchAsync(run.Cluster.CreateContext()), run.Time, async report =>
            seen.Add((report.Kind, (await health.CheckHealthAsync()).Entries["execution-sentinel"])));

        var lost = seen.Single(s => s.Kind == ReportKind.ConnectivityLost).Entry;
        Assert.Equal(HealthStatus.Degraded, lost.Status);
        Assert.Contains("cannot observe the cluster", lost.Description, StringComparison.Ordinal);
        Assert.Equal(1, lost.Data["connectivityLost"]);
        Assert.Empty(lost.Tags);
        Assert.Equal(HealthStatus.Healthy, seen.Single(s => s.Kind == ReportKind.ConnectivityRestored).Entry.Status);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task The_health_checks_name_failure_status_and_tags_are_the_applications()
    {
        using var run = Build(
            c => c.Faults.Add(SimulatedFault.ProbeOutage(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(45))),
            s => s.AddLogging().AddHealthChecks().AddExecutionSentinel("cluster-watch", HealthStatus.Unhealthy, ["ready"]));
        var health = run.Provider.GetRequiredService<HealthCheckService>();
        HealthReport? duringOutage = null;
        HealthReport? untagged = null;

        await Drive.ToEndAsync(run.Sentinel.WatchAsync(run.Cluster.CreateContext()), run.Time, async report =>
        {
            if (report.Kind == ReportKind.ConnectivityLost)
            {
                duringOutage = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));
                untagged = await health.CheckHealthAsync(r => r.Tags.Contains("live"));
            }
        });

        var entry = Assert.Single(duringOutage!.Entries);
        Assert.Equal("cluster-watch", entry.Key);
        Assert.Equal(HealthStatus.Unhealthy, entry.Value.Status);
        Assert.Equal(["ready"], entry.Value.Tags);
        Assert.Empty(untagged!.Entries);
    }

    [Fact]
    public async Task Each_watch_and_each_observation_is_a_span()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ExecutionSentinel",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var run = Build(null);

        await Drive.ToEndAsync(run.Sentinel.WatchAsync(run.Cluster.CreateContext()), run.Time);

        List<Activity> mine;
        lock (spans)
        {
            mine = spans.Where(s => s.OperationName == "watch" && (string?)s.GetTagItem("k8s.namespace.name") == run.Cluster.CreateContext().Namespace).ToList();
        }

        var watch = Assert.Single(mine);
        lock (spans)
        {
            Assert.Contains(spans, s => s.OperationName == "observe" && s.ParentSpanId == watch.SpanId);
        }
    }

    private static TestRun Build(Action<SimulatedClusterOptions>? cluster, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var options = new SimulatedClusterOptions { DeleteFinishedAfter = TimeSpan.FromSeconds(100) };
        cluster?.Invoke(options);
        var simulated = new SimulatedCluster(WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001"), time, options);
        var collection = new ServiceCollection().AddMetrics().AddSingleton<TimeProvider>(time);
        collection.AddExecutionSentinel().UseSimulatedCluster(simulated);
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        return new TestRun(provider, provider.GetRequiredService<ISentinel>(), simulated, time);
    }

    private sealed record TestRun(ServiceProvider Provider, ISentinel Sentinel, SimulatedCluster Cluster, FakeTimeProvider Time) : IDisposable
    {
        public void Dispose() => Provider.Dispose();
    }
}
