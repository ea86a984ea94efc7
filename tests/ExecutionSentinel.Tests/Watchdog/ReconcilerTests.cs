using ExecutionSentinel.Probing;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Every row of the seed watchdog's decision matrix, and the cases its authors had to fix later: a run that finished
/// between the check and the action is left alone, a slow answer is not an orphan, and the systemic-failure stop. A watch
/// of the namespace runs from 4 hours before each test (the ledger's executions are younger): it observes the running
/// executions' Jobs, the only ones a termination may aim at.
/// </summary>
public sealed class ReconcilerTests
{
    private static readonly string[] Ids = ["e1", "e2", "e3", "bad", "own", "owner", "default"];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeLedger _ledger = new();
    private readonly FakeCluster _cluster = new();
    private readonly FakeActuator _actuator = new();
    private readonly ObservedJobs _observed;
    private readonly WatchView _watch;
    private readonly List<TaskObservation> _running = [];

    public ReconcilerTests()
    {
        _observed = new ObservedJobs(TimeSpan.FromMinutes(17), _time);
        _watch = WatchdogTestKit.Watch(_observed, "wf", Ids.Select(id => "task-" + id));
        _time.Advance(TimeSpan.FromHours(4));
    }

    [Fact]
    public async Task An_unreachable_cluster_skips_the_execution_and_writes_nothing()
    {
        Add("e1", age: TimeSpan.FromHours(2));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Unknown, Detail: "timeout"));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.Skipped);
        Assert.Empty(_ledger.Failed);
        Assert.Empty(_actuator.Calls);
    }

    [Fact]
    public async Task A_missing_execution_within_the_dispatch_grace_is_skipped()
    {
        Add("e1", age: TimeSpan.FromSeconds(59));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Missing));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.Skipped);
        Assert.Empty(_ledger.Failed);
    }

    [Fact]
    public async Task A_missing_execution_past_the_grace_is_an_orphan_marked_failed_with_a_reason_that_says_so()
    {
        Add("e1", age: TimeSpan.FromSeconds(61));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Missing));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.OrphansRecovered);
        Assert.Contains("orphaned", _ledger.Failed["e1"], StringComparison.Ordinal);
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.OrphanRecovered && r.JobName == "job-e1");
        Assert.Empty(_actuator.Calls);
    }

    [Fact]
    public async Task An_orphan_is_re_read_before_acting_and_one_that_appears_is_left_alone()
    {
        Add("e1", age: TimeSpan.FromMinutes(5));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Missing), new ClusterExecutionState(ClusterPresence.Running, _time.GetUtcNow()));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(0, cycle.OrphansRecovered);
        Assert.Empty(_ledger.Failed);
    }

    [Fact]
    public async Task A_running_execution_under_its_timeout_is_confirmed()
    {
        Add("e1", age: TimeSpan.FromMinutes(10), timeout: TimeSpan.FromMinutes(30));
        _cluster.Answer("e1", Running("e1", TimeSpan.FromMinutes(10)));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.Confirmed);
        Assert.Empty(_ledger.Failed);
    }

    [Fact]
    public async Task An_overrunning_execution_is_terminated_then_marked_failed()
    {
        Add("e1", age: TimeSpan.FromMinutes(40), timeout: TimeSpan.FromMinutes(30));
        _cluster.Answer("e1", Running("e1", TimeSpan.FromMinutes(40), uid: "uid-1"));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.OverrunsTerminated);
        Assert.Equal(("job-e1", "uid-1"), Assert.Single(_actuator.Calls));
        Assert.Contains("past its timeout", _ledger.Failed["e1"], StringComparison.Ordinal);
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.Intervention && r.Details["action"] == "TerminateTask" && r.Details["outcome"] == "Executed");
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.Intervention && r.Details["action"] == "MarkFailed" && r.Details["outcome"] == "Executed");
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.ExecutionOverrun);
    }

    [Fact]
    public async Task A_failed_termination_writes_nothing()
    {
        Add("e1", age: TimeSpan.FromMinutes(40), timeout: TimeSpan.FromMinutes(30));
        Add("e2", age: TimeSpan.FromMinutes(10), timeout: TimeSpan.FromMinutes(30));
        _cluster.Answer("e1", Running("e1", TimeSpan.FromMinutes(40)));
        _cluster.Answer("e2", Running("e2", TimeSpan.FromMinutes(10)));
        _actuator.Outcome = InterventionOutcome.Failed;

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Empty(_ledger.Failed);
        Assert.Equal(0, cycle.OverrunsTerminated);
        Assert.Equal(1, cycle.ActionsFailed);
    }

    [Fact]
    public async Task A_guarded_update_that_loses_the_race_changes_nothing_and_is_not_counted()
    {
        Add("e1", age: TimeSpan.FromMinutes(5));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Missing));
        _ledger.FinishBeforeUpdate.Add("e1");

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.RacesLost);
        Assert.Equal(0, cycle.OrphansRecovered);
        Assert.Empty(cycle.Reports);
        Assert.Empty(_ledger.Failed);
    }

    [Fact]
    public async Task One_executions_error_does_not_stop_the_others()
    {
        Add("bad", age: TimeSpan.FromMinutes(5));
        Add("e2", age: TimeSpan.FromMinutes(5));
        _cluster.Throw("bad");
        _cluster.Answer("e2", new ClusterExecutionState(ClusterPresence.Missing));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.Errors);
        Assert.Equal(1, cycle.OrphansRecovered);
        Assert.True(_ledger.Failed.ContainsKey("e2"));
    }

    [Fact]
    public async Task An_execution_that_finishes_between_the_check_and_the_action_is_left_alone()
    {
        Add("e1", age: TimeSpan.FromMinutes(40), timeout: TimeSpan.FromMinutes(30));
        _cluster.Answer("e1", Running("e1", TimeSpan.FromMinutes(40)), new ClusterExecutionState(ClusterPresence.Finished));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Empty(_actuator.Calls);
        Assert.Empty(_ledger.Failed);
        Assert.Equal(1, cycle.Skipped);
    }

    [Fact]
    public async Task Finished_on_the_cluster_but_not_yet_recorded_is_not_an_orphan()
    {
        Add("e1", age: TimeSpan.FromHours(3));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Finished));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(0, cycle.OrphansRecovered);
        Assert.Empty(_ledger.Failed);
    }

    [Fact]
    public async Task A_slow_answer_is_unknown_not_an_orphan_and_triggers_no_kill()
    {
        Add("e1", age: TimeSpan.FromHours(3), timeout: TimeSpan.FromMinutes(1));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Unknown, Detail: "The request timed out"));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Empty(_actuator.Calls);
        Assert.Empty(_ledger.Failed);
        Assert.Equal(1, cycle.Skipped);
    }

    [Fact]
    public async Task When_more_than_half_of_a_cycles_actions_fail_the_watchdog_stops_acting_and_says_so()
    {
        foreach (var id in new[] { "e1", "e2", "e3" })
        {
            Add(id, age: TimeSpan.FromMinutes(40), timeout: TimeSpan.FromMinutes(30));
            _cluster.Answer(id, Running(id, TimeSpan.FromMinutes(40)));
        }

        _actuator.FailFor.UnionWith(["job-e1", "job-e2"]);
        var gate = Gate(InterventionMode.Enabled);
        var reconciler = Reconciler(gate);

        var cycle = await reconciler.RunCycleAsync();

        Assert.True(cycle.SystemicFailure);
        Assert.True(gate.Suspended);
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.SystemicFailure);
        _actuator.FailFor.Clear();
        var next = await reconciler.RunCycleAsync();
        Assert.All(next.Reports.Where(r => r.Kind == WatchdogReportKinds.Intervention), r => Assert.Equal("RefusedSuspended", r.Details["outcome"]));
        Assert.Equal(3, _actuator.Calls.Count);
    }

    [Fact]
    public async Task The_timeout_is_the_executions_own_else_its_owners_else_the_default()
    {
        Add("own", age: TimeSpan.FromMinutes(20), timeout: TimeSpan.FromMinutes(10), ownerTimeout: TimeSpan.FromHours(5));
        Add("owner", age: TimeSpan.FromMinutes(20), ownerTimeout: TimeSpan.FromMinutes(10));
        Add("default", age: TimeSpan.FromMinutes(59));
        foreach (var id in new[] { "own", "owner", "default" })
        {
            _cluster.Answer(id, Running(id, TimeSpan.FromMinutes(id == "default" ? 59 : 20)));
        }

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(2, cycle.OverrunsTerminated);
        Assert.Equal(1, cycle.Confirmed);
        Assert.False(_ledger.Failed.ContainsKey("default"));
    }

    [Fact]
    public async Task With_interventions_off_an_overrun_is_reported_and_nothing_is_done()
    {
        Add("e1", age: TimeSpan.FromMinutes(40), timeout: TimeSpan.FromMinutes(30));
        _cluster.Answer("e1", Running("e1", TimeSpan.FromMinutes(40)));

        var cycle = await Reconciler(Gate(InterventionMode.Off)).RunCycleAsync();

        Assert.Empty(_actuator.Calls);
        Assert.Empty(_ledger.Failed);
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.ExecutionOverrun && r.Details["outcome"] == "RefusedOff");
        Assert.False(cycle.SystemicFailure);
    }

    [Fact]
    public async Task A_Job_the_watch_saw_succeed_and_its_TTL_then_deleted_is_not_an_orphan_until_the_tombstone_expires()
    {
        Add("e1", age: TimeSpan.FromMinutes(10));
        _watch.Apply(new ClusterObservation { Tasks = [WatchdogTestKit.Task("task-e1", "job-e1", "uid-e1", TaskPhase.Succeeded, finishedAt: _time.GetUtcNow())] });
        _time.Advance(TimeSpan.FromSeconds(100));
        _watch.Apply(new ClusterObservation { Tasks = [] }); // Deleted by ttlSecondsAfterFinished before the application recorded the end.
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Missing));

        var cycle = await Reconciler().RunCycleAsync();
        _time.Advance(TimeSpan.FromMinutes(17)); // TTL + grace later, the application still has not recorded it: now it is an orphan.
        var later = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.Skipped);
        Assert.Equal(0, cycle.OrphansRecovered);
        Assert.Equal(1, later.OrphansRecovered);
    }

    [Fact]
    public async Task A_missing_execution_dispatched_before_any_watch_of_its_namespace_is_unknown_not_an_orphan()
    {
        Add("e1", age: TimeSpan.FromHours(5)); // The watch started 4 hours ago: it cannot have seen this Job finish.
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Missing));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Equal(1, cycle.Skipped);
        Assert.Empty(_ledger.Failed);
    }

    [Fact]
    public async Task An_overrun_whose_Job_no_watch_observed_is_reported_and_nothing_is_deleted()
    {
        Add("e1", age: TimeSpan.FromMinutes(40), timeout: TimeSpan.FromMinutes(30));
        _cluster.Answer("e1", new ClusterExecutionState(ClusterPresence.Running, _time.GetUtcNow() - TimeSpan.FromMinutes(40), "uid-e1"));

        var cycle = await Reconciler().RunCycleAsync();

        Assert.Empty(_actuator.Calls);
        Assert.Empty(_ledger.Failed);
        Assert.Single(cycle.Reports, r => r.Kind == WatchdogReportKinds.ExecutionOverrun && r.Details["outcome"] == "RefusedNotObserved");
    }

    private Reconciler Reconciler(InterventionGate? gate = null) =>
        new(_ledger, _cluster, gate ?? Gate(InterventionMode.Enabled), new ReconcilerOptions(), _time);

    private InterventionGate Gate(InterventionMode mode) =>
        WatchdogTestKit.Gate(_actuator, new SingleReplicaLeadership(), new InterventionOptions { Mode = mode, MaxPerHour = 100 }, _time, _observed);

    private void Add(string id, TimeSpan age, TimeSpan? timeout = null, TimeSpan? ownerTimeout = null) =>
        _ledger.Running[id] = new LedgerExecution
        {
            Id = id, Namespace = "wf", JobName = "job-" + id, DispatchedAt = _time.GetUtcNow() - age, Timeout = timeout, OwnerTimeout = ownerTimeout,
        };

    /// <summary>The cluster says the execution's Job runs; the watch observed it running too (its last observation).</summary>
    private ClusterExecutionState Running(string id, TimeSpan since, string? uid = null)
    {
        _running.Add(WatchdogTestKit.Task("task-" + id, "job-" + id, uid ?? "uid-" + id));
        _watch.Apply(new ClusterObservation { Tasks = [.. _running] });
        return new(ClusterPresence.Running, _time.GetUtcNow() - since, uid ?? "uid-" + id);
    }

    private sealed class FakeLedger : IExecutionLedger
    {
        public Dictionary<string, LedgerExecution> Running { get; } = [];

        public Dictionary<string, string> Failed { get; } = [];

        public HashSet<string> FinishBeforeUpdate { get; } = [];

        public ValueTask<IReadOnlyList<LedgerExecution>> GetRunningAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<LedgerExecution>>([.. Running.Values]);

        public ValueTask<bool> TryMarkFailedAsync(string executionId, string reason, CancellationToken cancellationToken)
        {
            if (FinishBeforeUpdate.Contains(executionId) || !Running.Remove(executionId))
            {
                return ValueTask.FromResult(false); // WHERE status = 'running' matched nothing.
            }

            Failed[executionId] = reason;
            return ValueTask.FromResult(true);
        }
    }

    private sealed class FakeCluster : IExecutionCluster
    {
        private readonly Dictionary<string, Queue<ClusterExecutionState>> _answers = [];
        private readonly HashSet<string> _throws = [];

        public void Answer(string id, params ClusterExecutionState[] states) => _answers[id] = new Queue<ClusterExecutionState>(states);

        public void Throw(string id) => _throws.Add(id);

        public ValueTask<ClusterExecutionState> GetStateAsync(LedgerExecution execution, CancellationToken cancellationToken)
        {
            if (_throws.Contains(execution.Id))
            {
                throw new InvalidOperationException("boom");
            }

            var queue = _answers[execution.Id];
            return ValueTask.FromResult(queue.Count > 1 ? queue.Dequeue() : queue.Peek());
        }
    }

    private sealed class FakeActuator : IClusterActuator
    {
        public List<(string? Job, string? Uid)> Calls { get; } = [];

        public InterventionOutcome Outcome { get; set; } = InterventionOutcome.Executed;

        public HashSet<string> FailFor { get; } = [];

        public async ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken)
        {
            Calls.Add((target.Name, target.Uid));
            if (await admission.AdmitAsync(cancellationToken) is { } refused)
            {
                return refused;
            }

            return FailFor.Contains(target.Name) ? InterventionOutcome.Failed : Outcome;
        }
    }
}
