using System.Collections.Concurrent;
using System.Text;
using CsCheck;
using ExecutionSentinel.Checkpoints;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Watchdog;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>
/// Issue 11: the gate's invariants under random sequences of observations, changes of the cluster, report-triggered and
/// reconciler-triggered actions, leadership changes (also in the middle of a write), time, restarts and modes. A model
/// world of Jobs (the workflow's, another workflow's, the application's own, and a namespace the watch does not watch)
/// stands behind a fake actuator that behaves like <see cref="JobActuator"/> (re-reads the Job by namespace and name,
/// refuses another uid, foreign labels or a Job no longer running, asks the admission right before its delete) and
/// records every delete, as a fake ledger records every ledger write, with the leadership, mode and suspension at that
/// instant. After every operation: no write without leadership, in a dry run, while off or suspended; a delete only of a
/// running Job of the watched namespace and inventory that the current watch's last observation showed running, and the
/// very Job the action asked for; and at most MaxPerHour interventions in any sliding hour, across restarts (an
/// intervention is the gate's unit: all writes of one admission, e.g. TerminateWorkflow's deletes, or the reconciler's
/// delete plus its ledger write).
/// </summary>
public sealed class InterventionPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void Interventions_hold_their_invariants_over_random_sequences_of_reports_leadership_restarts_and_Job_states()
    {
        var coverage = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);

        Scenario.Generator.Sample(scenario => new Simulation(scenario, coverage).Run(), iter: 10_000, print: s => s.ToString());

        // Not vacuous: the cases reached the writes and every guard's refusal.
        output.WriteLine(string.Join("\n", coverage.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}")));
        foreach (var reached in (string[])[
            "DELETE", "ledger write", "deletes in one TerminateWorkflow: 2", "interventions in the hour before one: " + 4,
            "InterveneTask: Executed", "InterveneTask: RefusedNotObserved", "InterveneTask: RefusedNotOurs", "InterveneTask: RefusedNotRunning",
            "ReportTask: Executed", "ReportTask: RefusedLimit", "ReportTask: RefusedNotLeader", "ReportTask: DryRun", "ReportTask: RefusedOff",
            "ReportTask: RefusedSuspended", "Overrun: Executed", "Orphan: Executed", "Orphan: RefusedNotLeader",
            "refused by the limit within an hour of a restart", "refused: leadership lost while the record was saved",
            "refused: leadership lost during an earlier write of the same intervention"])
        {
            Assert.True(coverage.ContainsKey(reached), "Never reached: " + reached);
        }
    }

    // ---- The model world's fixed cast --------------------------------------------------------------------------------

    private const string Ns = "wf";
    private const string ForeignNs = "other";
    private const string EnginePod = "hyperflow-engine-0";
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Inventory = ["task-a", "task-b", "task-c"];

    /// <summary>The Jobs of the world: index &lt; 5 are in the watched namespace (the only ones a watch can observe).</summary>
    private static readonly JobSpec[] Specs =
    [
        new(Ns, "job-a", "task-a", HyperFlowLabels: true),
        new(Ns, "job-b", "task-b", HyperFlowLabels: true),
        new(Ns, "job-c", "task-c", HyperFlowLabels: true),
        new(Ns, "job-d", "task-d", HyperFlowLabels: true), // Another workflow's task: HyperFlow's labels, not in the inventory.
        new(Ns, "database-backup", "database-backup", HyperFlowLabels: false), // The application's own Job.
        new(ForeignNs, "job-a", "task-a", HyperFlowLabels: true), // Same name and task, a namespace no watch watches.
        new(ForeignNs, "database-backup", "database-backup", HyperFlowLabels: false),
    ];

    private const int WatchedJobs = 5;

    private static readonly string LongName = new('a', 300);

    private static readonly string?[] JobNames =
        ["job-a", "job-b", "job-c", "job-d", "database-backup", null, "../x", "A", LongName, "", "job-a/../job-b", "job-a\n", "job-a%2F", "JOB-A", "job-a."];

    private static readonly string?[] TaskNames = ["task-a", "task-b", "task-c", "task-d", "database-backup", null, "../x", "A", LongName, ""];

    private static readonly string[] Namespaces = [Ns, ForeignNs, "WF", "../wf", "", "wf/../other", "wf\n"];

    private static readonly string?[] EnginePods = [EnginePod, "hyperflow-engine-1", null, "../hyperflow-engine-0"];

    private static string Show(string? name) => name switch
    {
        null => "null",
        { Length: > 40 } => $"'{name[0]}'×{name.Length}",
        _ => "\"" + name.Replace("\n", "\\n", StringComparison.Ordinal) + "\"",
    };

    private sealed record JobSpec(string Namespace, string Name, string Task, bool HyperFlowLabels)
    {
        public bool IsWorkflowTask => Namespace == Ns && Inventory.Contains(Task);

        public override string ToString() => Namespace + "/" + Name;
    }

    // ---- Generated scenarios ------------------------------------------------------------------------------------------

    internal enum JobChange
    {
        Finish,
        Terminate, // Someone else deletes it: a deletion timestamp, then gone.
        Delete,
        Replace, // Deleted and created again under the same name, with a new uid (or created, when it was gone).
    }

    internal enum UidChoice
    {
        None,
        World, // The uid the cluster holds now under that namespace and name.
        Observed, // The uid the watch's last observation showed under that name.
        Stale, // The first uid that name ever had (older than the current one once replaced).
        ForeignNamespace, // The uid of the Job of that name in the other namespace.
    }

    internal enum StoreCall
    {
        Load,
        Save,
    }

    internal abstract record Op;

    /// <summary>One observation of the watched namespace by the watch (beginning a watch if none runs).</summary>
    internal sealed record Observe(int Shown, int Pending, int NoUid) : Op
    {
        public override string ToString() =>
            "observe [" + string.Join(", ", Enumerable.Range(0, WatchedJobs).Where(i => (Shown & (1 << i)) != 0)
                .Select(i => Specs[i].Name + ((Pending & (1 << i)) != 0 ? " (pending)" : "") + ((NoUid & (1 << i)) != 0 ? " (no uid)" : ""))) + "]";
    }

    internal sealed record Change(int Job, JobChange Kind) : Op
    {
        public override string ToString() => $"cluster: {Kind} {Specs[Job]}";
    }

    /// <summary>A report mapped to TerminateTask, acted on by the watch as WatchdogSentinel does (its view's Find).</summary>
    internal sealed record ReportTask(string? Task, string? Job) : Op
    {
        public override string ToString() => $"report TerminateTask task={Show(Task)} job={Show(Job)}";
    }

    /// <summary>A report mapped to TerminateWorkflow, acted on by the watch (its view's running Jobs).</summary>
    internal sealed record ReportWorkflow : Op
    {
        public override string ToString() => "report TerminateWorkflow";
    }

    internal sealed record InterveneTask(string Namespace, string? Job, UidChoice Uid) : Op
    {
        public override string ToString() => $"gate.InterveneAsync(TerminateTask, ns={Show(Namespace)}, job={Show(Job)}, uid={Uid})";
    }

    internal sealed record InterveneWorkflow(string Namespace, string? EnginePod) : Op
    {
        public override string ToString() => $"gate.InterveneAsync(TerminateWorkflow, ns={Show(Namespace)}, engine={Show(EnginePod)})";
    }

    /// <summary>The reconciler's overrun path: FindJob, terminate, then MarkFailed continuing the same admission.</summary>
    internal sealed record Overrun(string? Job, UidChoice Uid) : Op
    {
        public override string ToString() => $"reconciler: overrun of {Show(Job)} (uid={Uid}): terminate, then mark failed";
    }

    /// <summary>The reconciler's orphan path: MarkFailed on its own admission.</summary>
    internal sealed record Orphan(string? Job) : Op
    {
        public override string ToString() => $"reconciler: orphan {Show(Job)}: mark failed";
    }

    internal sealed record Lead(bool Leader) : Op
    {
        public override string ToString() => Leader ? "leadership: gained" : "leadership: lost";
    }

    /// <summary>Leadership changes just before the n-th IsLeader read from now (the read sees it).</summary>
    internal sealed record ToggleAtRead(int Read) : Op
    {
        public override string ToString() => $"leadership: toggles before IsLeader read #{Read} from now";
    }

    /// <summary>Leadership changes while the hourly record's next store load (or save) is in flight.</summary>
    internal sealed record ToggleInStore(StoreCall Call) : Op
    {
        public override string ToString() => $"leadership: toggles during the record's next store {Call}";
    }

    /// <summary>Leadership changes during the next write's round trip (after it is done, before the intervention's next write).</summary>
    internal sealed record ToggleAfterWrite : Op
    {
        public override string ToString() => "leadership: toggles during the next write";
    }

    internal sealed record Advance(TimeSpan By) : Op
    {
        public override string ToString() => $"time: +{By}";
    }

    /// <summary>The conductor restarts: a new gate (mode and limit as given) on the same checkpoint store; a new watch has observed nothing.</summary>
    internal sealed record Restart(InterventionMode Mode, int MaxPerHour) : Op
    {
        public override string ToString() => $"restart: {Mode}, MaxPerHour={MaxPerHour}";
    }

    internal sealed record EndWatch : Op
    {
        public override string ToString() => "the watch ends";
    }

    internal sealed record Suspend(bool Suspended) : Op
    {
        public override string ToString() => Suspended ? "gate.Suspend()" : "gate.Resume()";
    }

    internal sealed record Scenario(InterventionMode Mode, int MaxPerHour, bool Leader, Op[] Ops)
    {
        private static readonly Gen<int> Mask = Gen.Int[0, (1 << WatchedJobs) - 1];
        private static readonly Gen<int> MostlySet = Gen.Select(Mask, Mask, (a, b) => a | b); // Each Job in about 3 of 4.
        private static readonly Gen<int> RarelySet = Gen.Select(Mask, Mask, (a, b) => a & b); // Each Job in about 1 of 4.
        private static readonly Gen<InterventionMode> Modes = Gen.Frequency((8, InterventionMode.Enabled), (1, InterventionMode.DryRun), (1, InterventionMode.Off));
        private static readonly Gen<int> Limits = Gen.Int[0, 5];

        /// <summary>Mostly the workflow's own Jobs and tasks, sometimes another's, sometimes a hostile name.</summary>
        private static readonly Gen<string?> Jobs = Gen.Frequency((6, Gen.OneOf(JobNames[..3])), (2, Gen.OneOf(JobNames[3..5])), (2, Gen.OneOf(JobNames[5..])));
        private static readonly Gen<string?> Tasks = Gen.Frequency((6, Gen.OneOf(TaskNames[..3])), (2, Gen.OneOf(TaskNames[3..5])), (2, Gen.OneOf(TaskNames[5..])));

        private static readonly Gen<TimeSpan> Durations = Gen.Frequency(
            (6, Gen.Int[1, 300].Select(s => TimeSpan.FromSeconds(s))),
            (2, Gen.Int[3590, 3610].Select(s => TimeSpan.FromSeconds(s))),
            (1, Gen.Const(TimeSpan.FromHours(1))),
            (1, Gen.Int[300, 7200].Select(s => TimeSpan.FromSeconds(s))));

        private static readonly Gen<Op> Operations = Gen.Frequency(
            (6, Gen.Select(MostlySet, RarelySet, Gen.Frequency((4, Gen.Const(0)), (1, RarelySet)), (s, p, u) => (Op)new Observe(s, p, u))),
            (4, Gen.Select(Gen.Int[0, Specs.Length - 1], Gen.Frequency((2, JobChange.Finish), (1, JobChange.Terminate), (1, JobChange.Delete), (3, JobChange.Replace)), (j, k) => (Op)new Change(j, k))),
            (4, Gen.Select(Gen.Frequency((3, Tasks), (1, Gen.Const((string?)null))), Gen.Frequency((3, Jobs), (1, Gen.Const((string?)null))), (t, j) => (Op)new ReportTask(t, j))),
            (1, Gen.Const((Op)new ReportWorkflow())),
            (4, Gen.Select(Gen.Frequency((4, Gen.Const(Ns)), (1, Gen.OneOf(Namespaces))), Jobs, Gen.Enum<UidChoice>(), (n, j, u) => (Op)new InterveneTask(n, j, u))),
            (1, Gen.Select(Gen.Frequency((3, Gen.Const(Ns)), (1, Gen.OneOf(Namespaces))), Gen.OneOf(EnginePods), (n, e) => (Op)new InterveneWorkflow(n, e))),
            (3, Gen.Select(Jobs, Gen.Enum<UidChoice>(), (j, u) => (Op)new Overrun(j, u))),
            (2, Jobs.Select(j => (Op)new Orphan(j))),
            (2, Gen.Frequency((3, true), (1, false)).Select(l => (Op)new Lead(l))),
            (1, Gen.Int[1, 6].Select(n => (Op)new ToggleAtRead(n))),
            (1, Gen.Enum<StoreCall>().Select(c => (Op)new ToggleInStore(c))),
            (1, Gen.Const((Op)new ToggleAfterWrite())),
            (4, Durations.Select(d => (Op)new Advance(d))),
            (2, Gen.Select(Modes, Limits, (m, l) => (Op)new Restart(m, l))),
            (1, Gen.Const((Op)new EndWatch())),
            (1, Gen.Frequency((2, false), (1, true)).Select(s => (Op)new Suspend(s))));

        public static Gen<Scenario> Generator { get; } =
            Gen.Select(Modes, Limits, Gen.Frequency((4, true), (1, false)), Operations.Array[1, 40], (m, l, lead, ops) => new Scenario(m, l, lead, ops));

        public override string ToString()
        {
            var text = new StringBuilder().Append($"start: {Mode}, MaxPerHour={MaxPerHour}, leader={Leader}");
            for (var i = 0; i < Ops.Length; i++)
            {
                text.Append($"\n  #{i} {Ops[i]}");
            }

            return text.ToString();
        }
    }

    // ---- The simulation -----------------------------------------------------------------------------------------------

    private enum JobState
    {
        Running,
        Finished,
        Terminating,
        Deleted,
    }

    private sealed class WorldJob(JobSpec spec, string uid)
    {
        public JobSpec Spec { get; } = spec;

        public string Uid { get; set; } = uid;

        public string FirstUid { get; } = uid;

        public JobState State { get; set; }
    }

    /// <summary>One write as it happened: what, when, and the leadership, mode and suspension at that instant.</summary>
    private sealed record Write(int Op, string What, JobIdentity? Deleted, DateTimeOffset At, bool Leader, InterventionMode Mode, bool Suspended, bool ObservedRunning, bool WorkflowTask, bool WorldRunning);

    private sealed class Simulation
    {
        private readonly Scenario _scenario;
        private readonly ConcurrentDictionary<string, int> _coverage;
        private DateTimeOffset _restartedAt = DateTimeOffset.MinValue;
        private readonly FakeTimeProvider _time = new(Start);
        private readonly List<WorldJob> _world = [];
        private readonly MemoryCheckpointStore _checkpoints = new();
        private readonly TogglingStore _store;
        private readonly Leadership _leadership;
        private readonly List<Write> _writes = [];
        private readonly List<string> _trace = [];
        private readonly Dictionary<string, string> _lastObservedUids = new(StringComparer.Ordinal); // Every Job of the last observation, by name.
        private readonly HashSet<(string Name, string Uid)> _lastObservedRunning = [];
        private readonly List<(DateTimeOffset At, int Op)> _interventions = []; // Operations that wrote: one intervention each.
        private InterventionMode _mode;
        private int _maxPerHour;
        private bool _suspended;
        private InterventionGate _gate = null!;
        private WatchView? _view;
        private int _uids;
        private string? _askedUid; // The uid the current operation's target named, if any.
        private bool _toggleAfterWrite;
        private bool _toggledByWrite; // In the current operation.
        private int _op = -1;

        public Simulation(Scenario scenario, ConcurrentDictionary<string, int> coverage)
        {
            _scenario = scenario;
            _coverage = coverage;
            _leadership = new Leadership(scenario.Leader);
            _store = new TogglingStore(_checkpoints, _leadership);
            foreach (var spec in Specs)
            {
                _world.Add(new WorldJob(spec, NewUid()));
            }

            Boot(scenario.Mode, scenario.MaxPerHour);
        }

        public void Run()
        {
            for (_op = 0; _op < _scenario.Ops.Length; _op++)
            {
                var op = _scenario.Ops[_op];
                var before = _writes.Count;
                _askedUid = null;
                _store.Toggled = null;
                _toggledByWrite = false;
                var leaderBefore = _leadership.Current;
                var outcome = Apply(op);
                Count(op, outcome, leaderBefore);
                _trace.Add($"#{_op} {op}{(outcome is null ? "" : " -> " + outcome)}");
                var written = _writes.Skip(before).ToList();
                foreach (var write in written)
                {
                    _trace.Add("     wrote: " + write.What);
                }

                Check(op, written);
            }
        }

        private string? Apply(Op op)
        {
            switch (op)
            {
                case Observe o:
                    ObserveWatched(o);
                    return $"the watch sees running: [{string.Join(", ", _lastObservedRunning.Order().Select(j => $"{j.Name} ({j.Uid})"))}]";
                case Change c:
                    return ChangeJob(c);
                case ReportTask r when _view is not null:
                    if (r.Task is null && r.Job is null)
                    {
                        return "nothing to aim at (WatchdogSentinel skips it)";
                    }

                    return Act(InterventionAction.TerminateTask, _view.Find(r.Task, r.Job), r.Job).ToString();
                case ReportWorkflow when _view is not null:
                    return Act(InterventionAction.TerminateWorkflow, InterventionGate.Workflow(_view), null).ToString();
                case ReportTask or ReportWorkflow:
                    return "no watch runs: no report";
                case InterveneTask t:
                    _askedUid = Uid(t.Namespace, t.Job, t.Uid);
                    return Sync(_gate.InterveneAsync(InterventionAction.TerminateTask, new InterventionTarget(t.Namespace, t.Job, _askedUid, "property"), CancellationToken.None)).Outcome.ToString();
                case InterveneWorkflow w:
                    return Sync(_gate.InterveneAsync(InterventionAction.TerminateWorkflow, new InterventionTarget(w.Namespace, null, null, "property") { EnginePodName = w.EnginePod }, CancellationToken.None)).Outcome.ToString();
                case Overrun o:
                    return Overran(o);
                case Orphan o:
                    return Sync(_gate.MarkFailedAsync(new RecordingLedger(this), Execution(o.Job), "orphaned", continuing: null, CancellationToken.None)).Outcome.ToString();
                case Lead l:
                    _leadership.Current = l.Leader;
                    return null;
                case ToggleAtRead t:
                    _leadership.ToggleBeforeRead(t.Read);
                    return null;
                case ToggleInStore t:
                    _store.ToggleDuring = t.Call;
                    return null;
                case ToggleAfterWrite:
                    _toggleAfterWrite = true;
                    return null;
                case Advance a:
                    _time.Advance(a.By);
                    return $"now {_time.GetUtcNow():HH:mm:ss} (+{(_time.GetUtcNow() - Start).TotalHours:0.00} h)";
                case Restart r:
                    Boot(r.Mode, r.MaxPerHour);
                    _restartedAt = _time.GetUtcNow();
                    return null;
                case EndWatch:
                    _view?.End();
                    _view = null;
                    ForgetObservation();
                    return null;
                case Suspend s:
                    if (s.Suspended)
                    {
                        _gate.Suspend();
                    }
                    else
                    {
                        _gate.Resume();
                    }

                    _suspended = s.Suspended;
                    return null;
                default:
                    throw new InvalidOperationException("Unknown operation " + op);
            }
        }

        /// <summary>A new conductor: a new gate with its options on the same checkpoint store, a new watch that observed nothing.</summary>
        private void Boot(InterventionMode mode, int maxPerHour)
        {
            _mode = mode;
            _maxPerHour = maxPerHour;
            _suspended = false;
            var observed = new ObservedJobs(TimeSpan.FromMinutes(17), _time);
            var options = new InterventionOptions { Mode = mode, MaxPerHour = maxPerHour };
            _gate = WatchdogTestKit.Gate(new Actuator(this), _leadership, options, _time, observed, new CheckpointInterventionRecord(_store));
            _view = observed.Begin(WatchdogTestKit.Context(Ns, Inventory, EnginePod));
            ForgetObservation();
        }

        private void ForgetObservation()
        {
            _lastObservedUids.Clear();
            _lastObservedRunning.Clear();
        }

        private void ObserveWatched(Observe o)
        {
            _view ??= _gate.Observed.Begin(WatchdogTestKit.Context(Ns, Inventory, EnginePod));
            ForgetObservation();
            var tasks = new List<TaskObservation>();
            for (var i = 0; i < WatchedJobs; i++)
            {
                if ((o.Shown & (1 << i)) == 0)
                {
                    continue;
                }

                var job = _world[i];
                var pending = (o.Pending & (1 << i)) != 0;
                var uid = (o.NoUid & (1 << i)) != 0 ? null : job.Uid;
                var task = new TaskObservation
                {
                    Name = job.Spec.Task,
                    TaskType = "t",
                    JobName = job.Spec.Name,
                    JobUid = uid,
                    Phase = job.State == JobState.Finished ? TaskPhase.Succeeded : pending ? TaskPhase.Pending : TaskPhase.Running,
                    FinishedAt = job.State == JobState.Finished ? _time.GetUtcNow() : null,
                    IsTerminating = job.State == JobState.Terminating,
                    IsGone = job.State == JobState.Deleted,
                    Attempt = 1,
                };
                tasks.Add(task);

                // The model's own reading of the observation: an inventory task's Job, seen with its uid, active, not being deleted.
                if (uid is not null)
                {
                    _lastObservedUids[job.Spec.Name] = uid;
                    if (Inventory.Contains(task.Name) && task.Phase is TaskPhase.Pending or TaskPhase.Running && !task.IsTerminating && !task.IsGone)
                    {
                        _lastObservedRunning.Add((job.Spec.Name, uid));
                    }
                }
            }

            _view.Apply(new ClusterObservation { Tasks = tasks });
        }

        private string ChangeJob(Change c)
        {
            var job = _world[c.Job];
            switch (c.Kind)
            {
                case JobChange.Finish when job.State is JobState.Running:
                    job.State = JobState.Finished;
                    break;
                case JobChange.Terminate when job.State is JobState.Running or JobState.Finished:
                    job.State = JobState.Terminating;
                    break;
                case JobChange.Delete:
                    job.State = JobState.Deleted;
                    break;
                case JobChange.Replace:
                    job.Uid = NewUid();
                    job.State = JobState.Running;
                    break;
                default:
                    return $"no change ({job.State})";
            }

            return $"{job.Spec} is {job.State} (uid {job.Uid})";
        }

        private InterventionOutcome Act(InterventionAction action, Resolution resolution, string? jobName) =>
            Sync(_gate.ActAsync(action, resolution, Ns, jobName, "property", CancellationToken.None)).Outcome;

        /// <summary>As <see cref="Reconciler"/> does for an execution past its timeout.</summary>
        private string Overran(Overrun o)
        {
            _askedUid = Uid(Ns, o.Job, o.Uid);
            var resolution = _gate.Observed.FindJob(Ns, o.Job, _askedUid);
            var terminated = Sync(_gate.ActAsync(InterventionAction.TerminateTask, resolution, Ns, o.Job, "property", CancellationToken.None));
            if (terminated.Outcome is not (InterventionOutcome.Executed or InterventionOutcome.NotFound))
            {
                return "terminate: " + terminated.Outcome;
            }

            var marked = Sync(_gate.MarkFailedAsync(new RecordingLedger(this), Execution(o.Job), "terminated", terminated.Admission, CancellationToken.None));
            return $"terminate: {terminated.Outcome}, mark failed: {marked.Outcome}";
        }

        private LedgerExecution Execution(string? job) =>
            new() { Id = "exec-" + Show(job), Namespace = Ns, JobName = job ?? "", DispatchedAt = Start };

        private string? Uid(string @namespace, string? name, UidChoice choice)
        {
            WorldJob? Job(string ns) => _world.FirstOrDefault(j => j.Spec.Namespace == ns && j.Spec.Name == name);
            return choice switch
            {
                UidChoice.None => null,
                UidChoice.World => Job(@namespace)?.Uid ?? "uid-missing",
                UidChoice.Observed => name is not null && _lastObservedUids.TryGetValue(name, out var seen) ? seen : "uid-missing",
                UidChoice.Stale => Job(@namespace)?.FirstUid ?? "uid-1",
                _ => Job(ForeignNs)?.Uid ?? "uid-missing",
            };
        }

        private string NewUid() => "uid-" + ++_uids;

        /// <summary>The fake cluster's delete, as <see cref="JobActuator"/> reaches it: recorded with everything true at that instant.</summary>
        private void Delete(WorldJob job)
        {
            var identity = new JobIdentity(job.Spec.Namespace, job.Spec.Name, job.Uid);
            _writes.Add(new Write(_op, $"DELETE {identity}", identity, _time.GetUtcNow(), _leadership.Current, _mode, _suspended,
                _lastObservedRunning.Contains((job.Spec.Name, job.Uid)) && job.Spec.Namespace == Ns, job.Spec.IsWorkflowTask, job.State == JobState.Running));
            job.State = JobState.Deleted;
            AfterWrite();
        }

        private void LedgerWrite(string executionId)
        {
            _writes.Add(new Write(_op, $"ledger: mark {executionId} failed", null, _time.GetUtcNow(), _leadership.Current, _mode, _suspended, false, false, false));
            AfterWrite();
        }

        private void AfterWrite()
        {
            if (_toggleAfterWrite)
            {
                _toggleAfterWrite = false;
                _toggledByWrite = true;
                _leadership.Toggle();
            }
        }

        private void Count(Op op, string? outcome, bool leaderBefore)
        {
            if (op is ReportTask or InterveneTask or Overrun or Orphan && outcome is not null)
            {
                var first = outcome.Split(',')[0].Replace("terminate: ", "", StringComparison.Ordinal);
                Hit($"{op.GetType().Name}: {first}");
                if (first == nameof(InterventionOutcome.RefusedLimit) && _time.GetUtcNow() - _restartedAt < TimeSpan.FromHours(1))
                {
                    Hit("refused by the limit within an hour of a restart");
                }

                if (_toggledByWrite && outcome.Contains(nameof(InterventionOutcome.RefusedNotLeader), StringComparison.Ordinal))
                {
                    Hit("refused: leadership lost during an earlier write of the same intervention");
                }

                if (first == nameof(InterventionOutcome.RefusedNotLeader) && leaderBefore && _store.Toggled == StoreCall.Save)
                {
                    Hit("refused: leadership lost while the record was saved");
                }
            }
        }

        private void Hit(string what) => _coverage.AddOrUpdate(what, 1, (_, n) => n + 1);

        // ---- The invariants -----------------------------------------------------------------------------------------

        private void Check(Op op, List<Write> written)
        {
            foreach (var write in written)
            {
                Hit(write.Deleted is null ? "ledger write" : "DELETE");
                Require(write.Leader, write, "written while this replica was not the leader");
                Require(write.Mode == InterventionMode.Enabled, write, $"written while the mode was {write.Mode}");
                Require(!write.Suspended, write, "written while the gate was suspended");
                if (write.Deleted is { } deleted)
                {
                    Require(deleted.Namespace == Ns, write, "a delete outside the watched namespace");
                    Require(write.WorkflowTask, write, "a delete of a Job that is not one of the workflow's inventory tasks");
                    Require(write.ObservedRunning, write, "a delete of a Job (namespace, name, uid) the watch's last observation did not show running");
                    Require(write.WorldRunning, write, "a delete of a Job not running on the cluster");
                }
            }

            var deletes = written.Where(w => w.Deleted is not null).ToList();
            var ledger = written.Count - deletes.Count;
            switch (op)
            {
                case ReportTask r:
                    Require(deletes.Count <= 1 && ledger == 0, null, "TerminateTask wrote more than one delete");
                    foreach (var d in deletes)
                    {
                        Require(r.Job is null || d.Deleted!.Name == r.Job, d, $"the report named Job {Show(r.Job)}");
                        Require(r.Task is null || Specs.Single(s => s.Namespace == Ns && s.Name == d.Deleted!.Name).Task == r.Task, d, $"the report named task {Show(r.Task)}");
                    }

                    break;
                case InterveneTask t:
                    Require(deletes.Count <= 1 && ledger == 0, null, "TerminateTask wrote more than one delete");
                    foreach (var d in deletes)
                    {
                        Require(d.Deleted!.Namespace == t.Namespace && d.Deleted.Name == t.Job, d, $"the target was {Show(t.Namespace)}/{Show(t.Job)}");
                        Require(_askedUid is null || _askedUid == d.Deleted.Uid, d, "the target asked for another uid");
                    }

                    break;
                case InterveneWorkflow w:
                    Require(ledger == 0 && (deletes.Count == 0 || (w.Namespace == Ns && w.EnginePod == EnginePod)), deletes.FirstOrDefault(), "TerminateWorkflow of a workflow no watch watches");
                    break;
                case Overrun o:
                    Require(deletes.Count <= 1 && ledger <= 1, null, "an overrun wrote more than one delete and one ledger update");
                    foreach (var d in deletes)
                    {
                        Require(d.Deleted!.Name == o.Job, d, $"the overrun execution's Job is {Show(o.Job)}");
                        Require(_askedUid is null || _askedUid == d.Deleted.Uid, d, "the reconciler asked for another uid");
                    }

                    break;
                case Orphan:
                    Require(deletes.Count == 0 && ledger <= 1, null, "an orphan wrote more than one ledger update");
                    break;
                case ReportWorkflow:
                    Hit("deletes in one TerminateWorkflow: " + Math.Min(deletes.Count, 2));
                    Require(ledger == 0, null, "TerminateWorkflow wrote to the ledger");
                    break;
                default:
                    Require(written.Count == 0, written.FirstOrDefault(), "a write by an operation that is no intervention");
                    break;
            }

            if (written.Count > 0)
            {
                // One operation is one intervention (one admission): the earlier ones within the hour before it must leave room.
                var now = written[0].At;
                var inHour = _interventions.Count(i => i.At > now - TimeSpan.FromHours(1));
                Hit("interventions in the hour before one: " + inHour);
                Require(inHour < _maxPerHour, written[0],
                    $"MaxPerHour is {_maxPerHour}, and {inHour} interventions were done in the hour before it (ops {string.Join(", ", _interventions.Where(i => i.At > now - TimeSpan.FromHours(1)).Select(i => "#" + i.Op))})");
                _interventions.Add((now, _op));
            }
        }

        private void Require(bool holds, Write? write, string what)
        {
            if (!holds)
            {
                throw new InvalidOperationException(
                    $"Invariant broken at op #{_op}: {what}{(write is null ? "" : $" ({write.What} at {write.At:HH:mm:ss}, leader={write.Leader}, mode={write.Mode}, suspended={write.Suspended})")}.\nTrace:\n  " + string.Join("\n  ", _trace));
            }
        }

        private static T Sync<T>(Task<T> task) =>
            task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException("The model is synchronous: a gate call did not complete at once.");

        /// <summary>Behaves like <see cref="JobActuator"/> against the model world.</summary>
        private sealed class Actuator(Simulation simulation) : IClusterActuator
        {
            public async ValueTask<InterventionOutcome> TerminateJobAsync(JobIdentity target, WriteAdmission admission, CancellationToken cancellationToken)
            {
                if (KubernetesNames.JobProblem(target.Namespace, target.Name) is not null || string.IsNullOrEmpty(target.Uid))
                {
                    return InterventionOutcome.RefusedNotOurs;
                }

                var job = simulation._world.FirstOrDefault(j => j.Spec.Namespace == target.Namespace && j.Spec.Name == target.Name);
                if (job is null || job.State == JobState.Deleted)
                {
                    return InterventionOutcome.NotFound;
                }

                if (job.Uid != target.Uid || !job.Spec.HyperFlowLabels)
                {
                    return InterventionOutcome.RefusedNotOurs;
                }

                if (job.State != JobState.Running)
                {
                    return InterventionOutcome.RefusedNotRunning;
                }

                if (await admission.AdmitAsync(cancellationToken).ConfigureAwait(false) is { } refused)
                {
                    return refused;
                }

                simulation.Delete(job);
                return InterventionOutcome.Executed;
            }
        }

        private sealed class RecordingLedger(Simulation simulation) : IExecutionLedger
        {
            public ValueTask<IReadOnlyList<LedgerExecution>> GetRunningAsync(CancellationToken cancellationToken) =>
                ValueTask.FromResult<IReadOnlyList<LedgerExecution>>([]);

            public ValueTask<bool> TryMarkFailedAsync(string executionId, string reason, CancellationToken cancellationToken)
            {
                simulation.LedgerWrite(executionId);
                return ValueTask.FromResult(true);
            }
        }
    }

    /// <summary>Leadership the sequence sets, or toggles just before a given IsLeader read (that read already sees it).</summary>
    private sealed class Leadership(bool leader) : ILeadership
    {
        private int _toggleIn;

        /// <summary>The truth, as the recorders see it at the instant of a write (reading it counts no read).</summary>
        public bool Current { get; set; } = leader;

        public bool IsLeader
        {
            get
            {
                if (_toggleIn > 0 && --_toggleIn == 0)
                {
                    Current = !Current;
                }

                return Current;
            }
        }

        public void ToggleBeforeRead(int read) => _toggleIn = read;

        public void Toggle() => Current = !Current;
    }

    /// <summary>The checkpoint store, in which the leadership may change while a load or save of the hourly record is in flight.</summary>
    private sealed class TogglingStore(MemoryCheckpointStore inner, Leadership leadership) : ICheckpointStore
    {
        public StoreCall? ToggleDuring { get; set; }

        /// <summary>When the leadership changed during a store call (reset by each operation).</summary>
        public StoreCall? Toggled { get; set; }

        public ValueTask<WatchCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
        {
            During(StoreCall.Load);
            return inner.LoadAsync(key, cancellationToken);
        }

        public ValueTask SaveAsync(string key, WatchCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            During(StoreCall.Save);
            return inner.SaveAsync(key, checkpoint, cancellationToken);
        }

        private void During(StoreCall call)
        {
            if (ToggleDuring == call)
            {
                ToggleDuring = null;
                Toggled = call;
                leadership.Toggle();
            }
        }
    }
}
