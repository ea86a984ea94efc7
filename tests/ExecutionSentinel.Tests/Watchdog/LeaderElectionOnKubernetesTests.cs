using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using ExecutionSentinel.Testing;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Leader election on a real Lease of the fake API server, through KubernetesClient's LeaseLock and LeaderElector. The
/// elector runs on the wall clock with short durations; the tests wait on its events and on the server's requests, each
/// with a deadline, never on guessed delays.
/// </summary>
public sealed class LeaderElectionOnKubernetesTests : IAsyncLifetime
{
    private const string Conductor = "conductor";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private FakeKubeApiServer _server = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _client = new k8s.Kubernetes(_server.ClientConfiguration);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_election_whose_lease_reads_fail_is_logged_reported_once_and_retried_until_it_leads()
    {
        // Dropped connections: the elector lets these out of RunUntilLeadershipLostAsync, which used to end the election
        // for good, silently.
        _server.Faults.Add(RequestKind.Get, FaultKind.ConnectionReset, 3);
        var logger = new FakeLogger<LeaseLeadership>();
        var failures = new List<Exception>();
        var leadership = new LeaseLeadership(Config("replica-a"), logger);
        leadership.ElectionFailed += failures.Add;
        await using (leadership)
        {
            await Leads(leadership);

            Assert.True(leadership.IsLeader);
            var failure = Assert.Single(failures); // One report for the streak, not one per attempt.
            Assert.IsType<HttpRequestException>(failure);
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains($"Leader election on lease {Conductor}/{LeaderElectionOptions.DefaultLeaseName} failed", StringComparison.Ordinal));
            Assert.Null(leadership.LastFailure); // It works now.
        }
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_end_the_election()
    {
        var logger = new FakeLogger<LeaseLeadership>();
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leadership = new LeaseLeadership(Config("replica-a"), logger);
        leadership.LeadershipChanged += leading =>
        {
            handled.TrySetResult();
            throw new InvalidOperationException("the application's handler is broken");
        };
        await using (leadership)
        {
            await handled.Task.WaitAsync(Deadline);
            var renewals = Renewals();

            // The elector goes on renewing: three more writes of the lease after the handler threw.
            await Until(() => Renewals() >= renewals + 3, "the lease to be renewed three more times");

            Assert.True(leadership.IsLeader);
            Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains("LeadershipChanged handler threw", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Leadership_ends_at_the_renew_deadline_on_the_librarys_clock_while_renewals_stall()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var config = Config("replica-a");
        config.LeaseDuration = TimeSpan.FromSeconds(15);
        config.RenewDeadline = TimeSpan.FromSeconds(10);
        var stopped = false;
        var leadership = new LeaseLeadership(config, null, time);
        leadership.LeadershipChanged += leading => stopped |= !leading;
        try
        {
            await Leads(leadership);
            var observed = new ObservedJobs(TimeSpan.FromMinutes(17), time);
            WatchdogTestKit.Watch(observed, "wf", ["task-1"], WatchdogTestKit.Task("task-1", "job-1", "uid-1"));
            var gate = WatchdogTestKit.Gate(new AdmittedIsExecuted(), leadership, new InterventionOptions { Mode = InterventionMode.Enabled }, time, observed);

            _server.Faults.Outage = FaultKind.Hang; // Renewals stall from now on.
            time.Advance(config.RenewDeadline);

            // The elector (on the wall clock) has not given up yet; the fence has.
            Assert.False(stopped);
            Assert.False(leadership.IsLeader);
            var (outcome, _) = await gate.InterveneAsync(InterventionAction.TerminateTask, new InterventionTarget("wf", "job-1", null, "test"), CancellationToken.None);
            Assert.Equal(InterventionOutcome.RefusedNotLeader, outcome);
        }
        finally
        {
            _server.Faults.Outage = null;
            await leadership.DisposeAsync().AsTask().WaitAsync(Deadline);
        }
    }

    [Fact]
    public async Task A_failing_election_is_reported_in_the_running_watch_once_and_never_stops_it()
    {
        // The conductor may watch pods and Jobs and read the signal, but was given no rights on leases.
        await using var harness = await KubeHarness.StartAsync(
            WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001"),
            builder: b => b.AddWatchdog(o => o.Mode = InterventionMode.DryRun).UseLeaderElection(o =>
            {
                o.Namespace = Conductor;
                o.Identity = "replica-a";
                o.LeaseDuration = TimeSpan.FromSeconds(2);
                o.RenewDeadline = TimeSpan.FromSeconds(1);
                o.RetryPeriod = TimeSpan.FromMilliseconds(200);
            }),
            grants: [Grant.Allow("get,list,watch", "pods,jobs"), Grant.Allow("create", "pods/exec")]);
        var leadership = (LeaseLeadership)harness.Services.GetRequiredService<ILeadership>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leadership.ElectionFailed += _ => failed.TrySetResult();
        if (leadership.LastFailure is not null)
        {
            failed.TrySetResult();
        }

        await failed.Task.WaitAsync(Deadline); // Before the watch starts: it must still be told.
        var reports = await harness.RunAsync();

        var report = Assert.Single(reports, r => r.Kind == WatchdogReportKinds.LeaderElectionFailed);
        Assert.Equal(ReportSeverity.Error, report.Severity);
        Assert.Contains("Forbidden", report.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(WatchOutcome.Completed, reports[^1].Summary!.Outcome);
        Assert.False(leadership.IsLeader);
        Assert.NotNull(harness.Services.GetRequiredService<ExecutionSentinel.Watchdog.WatchdogStatusProvider>().GetStatus().LeaderElectionFailure);
    }

    private LeaderElectionConfig Config(string identity) => new(new LeaseLock(_client, Conductor, LeaderElectionOptions.DefaultLeaseName, identity))
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1),
        RetryPeriod = TimeSpan.FromMilliseconds(200),
    };

    private int Renewals() => _server.Requests.Count(r => r.StartsWith($"PUT /apis/coordination.k8s.io/v1/namespaces/{Conductor}/leases/", StringComparison.Ordinal));

    /// <summary>Completes when the replica leads: awaits its leadership event, with a deadline.</summary>
    internal static Task Leads(LeaseLeadership leadership)
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

        return leads.Task.WaitAsync(Deadline);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, looking whenever the server answers, within the deadline.</summary>
    internal static async Task Until(Func<bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Deadline.TotalSeconds:0} s for {what}.");
            }
        }
    }

    private sealed class AdmittedIsExecuted : IClusterActuator
    {
        public async ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken) =>
            await admission.AdmitAsync(cancellationToken) ?? InterventionOutcome.Executed;
    }
}
