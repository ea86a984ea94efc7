using System.Globalization;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watchdog;
using k8s.Models;

namespace ExecutionSentinel.Testing;

/// <summary>
/// An in-memory <see cref="IClusterProbe"/> that replays a real trace on a <see cref="TimeProvider"/>:
/// tasks are scheduled from the trace's DAG over a number of parallel slots, with the trace's runtimes,
/// and the injected faults shape their attempts. Drive it with a <c>FakeTimeProvider</c> in tests, or an
/// <see cref="AcceleratedTimeProvider"/> in demos.
/// </summary>
/// <remarks>Public because tests and demos replay traces on it. 
/// <para>The whole run is planned when the cluster is created; its start is the time provider's time then.</para>
/// <para>
/// The watchdog can act on it (after <c>UseSimulatedCluster</c> and <c>AddWatchdog</c>): each task runs as a Job named
/// and labelled as HyperFlow's (<c>app=hyperflow</c>), with a uid, in the namespace of the watches that attach; deleting
/// one (see <see cref="Terminations"/>) stops its task as Kubernetes would: the Job goes at once, its pod is seen
/// terminating for <see cref="SimulatedClusterOptions.TerminationGracePeriod"/>, then the task is gone. The rest of the plan
/// is not replayed differently: other tasks and the engine's signal keep their planned times.
/// </para>
/// </remarks>
public sealed class SimulatedCluster : IClusterProbe
{
    /// <summary>The labels of every simulated Job: those HyperFlow's Job template gives its Jobs.</summary>
    internal static readonly IReadOnlyDictionary<string, string> JobLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["app"] = "hyperflow" };

    private readonly TimeProvider _time;
    private readonly SimulatedClusterOptions _options;
    private readonly Dictionary<string, SimulatedTaskTimeline> _timelines;
    private readonly Dictionary<string, SimulatedTaskTimeline> _byJobName;
    private readonly SimulatedTaskTimeline[] _byCreation;
    private readonly ProbeOutageFault[] _outages;
    private readonly DateTimeOffset[] _changes;
    private readonly object _lock = new();
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal);

    // Copied on write: observations read it without the lock.
    private volatile Dictionary<string, SimulatedTermination> _terminated = new(StringComparer.Ordinal);

    /// <summary>Plans the replay of <paramref name="trace"/>, starting now.</summary>
    /// <param name="trace">The trace to replay.</param>
    /// <param name="time">The clock the replay follows.</param>
    /// <param name="options">Slots, delays, engine behaviour and faults; defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid, or a fault names a task the trace does not have.</exception>
    public SimulatedCluster(WorkflowTrace trace, TimeProvider time, SimulatedClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(time);
        Trace = trace;
        _time = time;
        _options = options ?? new SimulatedClusterOptions();
        Validate(trace, _options);
        StartedAt = time.GetUtcNow();
        _timelines = SimulatedSchedule.Build(trace, _options, StartedAt);
        _byCreation = _timelines.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.Index).ToArray();
        _byJobName = _timelines.Values.ToDictionary(JobName, StringComparer.Ordinal);
        _outages = _options.Faults.OfType<ProbeOutageFault>().ToArray();
        EngineSignalsAt = PlanEngineSignal();
        _changes = ChangeInstants(_timelines.Values, _options.DeleteFinishedAfter);
        EngineExitCode = _options.EngineExitCode ?? (_timelines.Count == trace.Tasks.Count && _timelines.Values.All(t => t.Succeeded) ? 0 : 1);
    }

    /// <summary>The options the replay was planned with.</summary>
    internal SimulatedClusterOptions Options => _options;

    /// <summary>The trace being replayed.</summary>
    public WorkflowTrace Trace { get; }

    /// <summary>When the replay started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the engine writes its completion signal, or <see langword="null"/> when it never does.</summary>
    public DateTimeOffset? EngineSignalsAt { get; }

    /// <summary>The exit code the engine signals.</summary>
    public int EngineExitCode { get; }

    /// <summary>How each task plays out; tasks that never start (their prerequisites failed or hung) are absent.</summary>
    internal IReadOnlyDictionary<string, SimulatedTaskTimeline> Timelines => _timelines;

    /// <summary>
    /// The Jobs deleted so far (by the watchdog, through <c>AddWatchdog</c>), in the order they were deleted. Each one's
    /// task is no longer observed running: its pod is seen terminating for
    /// <see cref="SimulatedClusterOptions.TerminationGracePeriod"/>, then the task is gone.
    /// </summary>
    public IReadOnlyList<SimulatedTermination> Terminations => [.. _terminated.Values.OrderBy(t => t.DeletedAt).ThenBy(t => t.JobName, StringComparer.Ordinal)];

    /// <summary>The hourly limit's record of the watchdog acting on this cluster: it lives as long as the cluster does.</summary>
    internal SimulatedInterventionRecord InterventionRecord { get; } = new();

    /// <summary>Makes the context a conductor would hand over for this replay.</summary>
    /// <param name="expectedDurations">Where expected durations come from.</param>
    /// <returns>The context.</returns>
    public MonitoringContext CreateContext(ExpectedDurationSource expectedDurations = ExpectedDurationSource.SameRunTypeMedian) =>
        Trace.ToMonitoringContext(expectedDurations: expectedDurations);

    /// <inheritdoc />
    public ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _namespaces.Add(context.Namespace); // The simulated workflow runs where its watches look.
        }

        return ValueTask.FromResult<IClusterProbeSession>(new Session(this));
    }

    /// <summary>
    /// Reads a Job as the API server would answer now: <see langword="null"/> (404) when no Job of that name exists in that
    /// namespace (never created there, not yet created, vanished, or deleted by its time to live or through the API).
    /// </summary>
    /// <exception cref="HttpRequestException">During a <see cref="ProbeOutageFault"/>: the API server cannot be reached.</exception>
    internal V1Job? ReadJob(string @namespace, string name)
    {
        var now = _time.GetUtcNow();
        ThrowDuringOutage(now);
        lock (_lock)
        {
            return Find(@namespace, name) is { } timeline ? JobAt(timeline, @namespace, now) : null;
        }
    }

    /// <summary>
    /// Deletes a Job as the API server does with preconditions (its uid and, when given, its resource version) and
    /// background propagation: the Job goes now, its pod after the grace period if it runs on a node, at once otherwise.
    /// </summary>
    /// <exception cref="HttpRequestException">During a <see cref="ProbeOutageFault"/>: the API server cannot be reached.</exception>
    internal JobDeletion DeleteJob(JobIdentity job, string? resourceVersion)
    {
        var now = _time.GetUtcNow();
        ThrowDuringOutage(now);
        lock (_lock)
        {
            if (Find(job.Namespace, job.Name) is not { } timeline || JobAt(timeline, job.Namespace, now) is not { } current)
            {
                return JobDeletion.NotFound;
            }

            if (current.Metadata.Uid != job.Uid || (resourceVersion is not null && current.Metadata.ResourceVersion != resourceVersion))
            {
                return JobDeletion.Conflict; // A precondition failed: 409, as the API server answers.
            }

            var attempt = timeline.Attempts[timeline.AttemptIndexAt(now)];
            var onNode = now < attempt.EndsAt && !attempt.IsUnschedulableAt(now);
            var termination = new SimulatedTermination(timeline.Task.Name, job.Namespace, job.Name, job.Uid, now)
            {
                PodGoneAt = onNode ? now + _options.TerminationGracePeriod : now,
            };
            _terminated = new Dictionary<string, SimulatedTermination>(_terminated, StringComparer.Ordinal) { [timeline.Task.Name] = termination };
            return JobDeletion.Deleted;
        }
    }

    private static string JobName(SimulatedTaskTimeline timeline) =>
        string.Create(CultureInfo.InvariantCulture, $"job{timeline.Index + 1:x5}-{TypeName(timeline)}-{timeline.Index + 1}-1");

    private static string JobUid(SimulatedTaskTimeline timeline) =>
        string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{timeline.Index + 1:x12}");

    private static string TypeName(SimulatedTaskTimeline timeline) => timeline.Task.Category.ToLowerInvariant().Replace('_', '-');

    private SimulatedTaskTimeline? Find(string @namespace, string name) =>
        _namespaces.Contains(@namespace) && _byJobName.TryGetValue(name, out var timeline) ? timeline : null;

    /// <summary>The task's Job at <paramref name="now"/>, as a read would return it; <see langword="null"/> when it does not exist.</summary>
    private V1Job? JobAt(SimulatedTaskTimeline timeline, string @namespace, DateTimeOffset now)
    {
        if (timeline.CreatedAt > now || _terminated.ContainsKey(timeline.Task.Name) || (timeline.VanishesAt is { } vanishes && now >= vanishes))
        {
            return null;
        }

        var finished = timeline.FinishedAt is { } finishedAt && now >= finishedAt;
        if (finished && _options.DeleteFinishedAfter is { } ttl && now >= timeline.FinishedAt!.Value + ttl)
        {
            return null;
        }

        var current = timeline.AttemptIndexAt(now);
        var attempt = timeline.Attempts[current];
        var stage = finished ? 3 : now >= attempt.EndsAt ? 2 : now >= attempt.StartedAt ? 1 : 0;
        var failedAttempts = timeline.Attempts.Take(current + 1).Count(a => now >= a.EndsAt && a.End != AttemptEnd.Succeeded);
        return new V1Job
        {
            Metadata = new V1ObjectMeta
            {
                Name = JobName(timeline),
                NamespaceProperty = @namespace,
                Uid = JobUid(timeline),
                Labels = new Dictionary<string, string>(JobLabels, StringComparer.Ordinal),
                ResourceVersion = ((current * 4) + stage + 1).ToString(CultureInfo.InvariantCulture),
                CreationTimestamp = timeline.CreatedAt.UtcDateTime,
            },
            Status = new V1JobStatus
            {
                StartTime = timeline.CreatedAt.UtcDateTime,
                Active = stage < 2 ? 1 : 0,
                Succeeded = finished && timeline.Succeeded ? 1 : 0,
                Failed = failedAttempts,
                CompletionTime = finished && timeline.Succeeded ? timeline.FinishedAt!.Value.UtcDateTime : null,
                Conditions = finished
                    ? [timeline.Succeeded
                        ? new V1JobCondition { Type = "Complete", Status = "True" }
                        : new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded" }]
                    : null,
            },
        };
    }

    private void ThrowDuringOutage(DateTimeOffset now)
    {
        foreach (var outage in _outages)
        {
            var from = StartedAt + outage.From;
            if (now >= from && now < from + outage.Duration)
            {
                throw new HttpRequestException("Simulated outage: the API server cannot be reached.");
            }
        }
    }

    private DateTimeOffset? PlanEngineSignal()
    {
        if (!_options.EngineSignals || _timelines.Values.Any(t => t.FinishedAt is null))
        {
            return null; // A task that never reports back keeps HyperFlow's engine waiting forever.
        }

        var last = _timelines.Values.Select(t => t.FinishedAt!.Value).DefaultIfEmpty(StartedAt).Max();
        return last + _options.EngineSignalDelay;
    }

    private static void Validate(WorkflowTrace trace, SimulatedClusterOptions options)
    {
        var problems = new List<string>();
        if (options.ParallelSlots < 1)
        {
            problems.Add($"ParallelSlots must be at least 1 (was {options.ParallelSlots}).");
        }

        if (options.Nodes < 1)
        {
            problems.Add($"Nodes must be at least 1 (was {options.Nodes}).");
        }

        if (options.PodStartupDelay < TimeSpan.Zero || options.RetryBackoff < TimeSpan.Zero || options.EngineSignalDelay < TimeSpan.Zero
            || options.DeleteFinishedAfter < TimeSpan.Zero || options.TerminationGracePeriod < TimeSpan.Zero)
        {
            problems.Add("Delays must not be negative.");
        }

        var names = trace.Tasks.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < options.Faults.Count; i++)
        {
            var fault = options.Faults[i];
            var task = fault.TargetTask;
            if (task is not null && !names.Contains(task))
            {
                problems.Add($"Faults[{i}] ({fault.GetType().Name}) names task '{task}', which trace '{trace.Name}' does not have.");
            }

            if (fault is StragglerFault { Factor: < 1 or double.NaN })
            {
                problems.Add($"Faults[{i}]: a straggler's factor must be at least 1.");
            }

            if (fault is OomKillFault { Attempts: < 1 } or EvictionFault { Attempts: < 1 })
            {
                problems.Add($"Faults[{i}]: attempts must be at least 1.");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("The simulated cluster's options are invalid:" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)), nameof(options));
        }
    }

    /// <summary>Every instant at which a task's objects change, in order: what a watch would be told of.</summary>
    private static DateTimeOffset[] ChangeInstants(IEnumerable<SimulatedTaskTimeline> timelines, TimeSpan? deleteFinishedAfter)
    {
        var instants = new List<DateTimeOffset>();
        foreach (var timeline in timelines)
        {
            foreach (var attempt in timeline.Attempts)
            {
                instants.Add(attempt.CreatedAt);
                instants.Add(attempt.StartedAt);
                instants.Add(attempt.EndsAt);
                if (attempt.UnschedulableUntil is { } until)
                {
                    instants.Add(until);
                }
            }

            if (timeline.VanishesAt is { } vanishes)
            {
                instants.Add(vanishes);
            }

            if (timeline.FinishedAt is { } finished && deleteFinishedAfter is { } ttl)
            {
                instants.Add(finished + ttl);
            }
        }

        instants.Sort();
        return [.. instants.Distinct()];
    }

    /// <summary>
    /// One watch's view: caches each task's observation so unchanged tasks keep the same instance. With
    /// <see cref="SimulatedClusterOptions.SignalChanges"/>, it tells the sentinel of each change when it happens.
    /// </summary>
    private sealed class Session(SimulatedCluster cluster) : IClusterProbeSession, IClusterChangeNotifier
    {
        private readonly Dictionary<string, (int Key, TaskObservation Observation)> _cache = new(StringComparer.Ordinal);
        private DateTimeOffset _observedAt = DateTimeOffset.MinValue;

        public Task WaitForChangeAsync(CancellationToken cancellationToken)
        {
            if (!cluster._options.SignalChanges)
            {
                return Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            var instants = cluster._changes;
            var next = Array.BinarySearch(instants, _observedAt);
            next = next < 0 ? ~next : next + 1; // The first change after the last observation began.
            if (next >= instants.Length)
            {
                return Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            var wait = instants[next] - cluster._time.GetUtcNow();
            return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, cluster._time, cancellationToken);
        }

        public ValueTask<ClusterObservation> ObserveAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var now = cluster._time.GetUtcNow();
            _observedAt = now;
            cluster.ThrowDuringOutage(now);

            var terminated = cluster._terminated;
            var tasks = new List<TaskObservation>();
            foreach (var timeline in cluster._byCreation)
            {
                if (timeline.CreatedAt > now)
                {
                    break;
                }

                var observation = terminated.TryGetValue(timeline.Task.Name, out var termination)
                    ? Terminating(timeline, termination, now)
                    : Observe(timeline, now);
                if (observation is not null)
                {
                    tasks.Add(observation);
                }
            }

            var signal = cluster.EngineSignalsAt is { } at && now >= at ? EngineSignal.FromExitCode(cluster.EngineExitCode) : null;
            return ValueTask.FromResult(new ClusterObservation { Tasks = tasks, EngineSignal = signal });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        /// <summary>
        /// A task whose Job was deleted: as on Kubernetes, its pod is seen as it was, terminating (and without its Job's
        /// uid: the Job is gone) until the grace period ends; then nothing is left of it.
        /// </summary>
        private TaskObservation? Terminating(SimulatedTaskTimeline timeline, SimulatedTermination termination, DateTimeOffset now)
        {
            const int TerminatingKey = -1;
            if (now >= termination.PodGoneAt)
            {
                return null;
            }

            if (_cache.TryGetValue(timeline.Task.Name, out var cached) && cached.Key == TerminatingKey)
            {
                return cached.Observation;
            }

            if (Observe(timeline, termination.DeletedAt) is not { } last)
            {
                return null;
            }

            var observation = last with { IsTerminating = true, JobUid = null };
            _cache[timeline.Task.Name] = (TerminatingKey, observation);
            return observation;
        }

        private TaskObservation? Observe(SimulatedTaskTimeline timeline, DateTimeOffset now)
        {
            var options = cluster._options;
            if (timeline.VanishesAt is { } vanishes && now >= vanishes)
            {
                return null;
            }

            if (timeline.FinishedAt is { } finished && options.DeleteFinishedAfter is { } ttl && now >= finished + ttl)
            {
                return null;
            }

            var attempts = timeline.Attempts;
            var current = timeline.AttemptIndexAt(now);

            var attempt = attempts[current];
            var ended = now >= attempt.EndsAt;
            var phase = now < attempt.StartedAt ? TaskPhase.Pending
                : !ended ? TaskPhase.Running
                : attempt.End == AttemptEnd.Succeeded ? TaskPhase.Succeeded
                : attempt.End is AttemptEnd.Failed or AttemptEnd.OomKilledFinal ? TaskPhase.Failed
                : TaskPhase.Pending; // Waiting for the Job controller's retry.

            var unschedulable = attempt.IsUnschedulableAt(now);
            var key = (current * 16) + ((int)phase * 4) + (ended ? 2 : 0) + (unschedulable ? 1 : 0);
            if (_cache.TryGetValue(timeline.Task.Name, out var cached) && cached.Key == key)
            {
                return cached.Observation;
            }

            var terminations = new List<AttemptTermination>();
            for (var i = 0; i <= current; i++)
            {
                if (now >= attempts[i].EndsAt && Termination(attempts[i]) is { } termination)
                {
                    terminations.Add(termination);
                }
            }

            var jobName = JobName(timeline);
            var observation = new TaskObservation
            {
                Name = timeline.Task.Name,
                TaskType = timeline.Task.Category,
                ObjectName = string.Create(CultureInfo.InvariantCulture, $"{jobName}-a{attempt.Number}"),
                JobName = jobName,
                JobUid = JobUid(timeline),
                Phase = phase,
                CreatedAt = timeline.CreatedAt,
                StartedAt = now >= attempt.StartedAt ? attempt.StartedAt : null,
                FinishedAt = phase is TaskPhase.Succeeded or TaskPhase.Failed ? attempt.EndsAt : null,
                Attempt = attempt.Number,
                Terminations = terminations,
                PodReason = ended && attempt.End == AttemptEnd.Evicted ? "Evicted" : null,
                SchedulingFailure = unschedulable ? "Unschedulable" : null,
                NodeName = unschedulable ? null : "node-" + (timeline.Slot % options.Nodes).ToString(CultureInfo.InvariantCulture),
            };
            _cache[timeline.Task.Name] = (key, observation);
            return observation;
        }

        private static AttemptTermination? Termination(SimulatedAttempt attempt) => attempt.End switch
        {
            AttemptEnd.Succeeded => new AttemptTermination(attempt.Number, "Completed", 0, attempt.EndsAt),
            AttemptEnd.Failed => new AttemptTermination(attempt.Number, "Error", attempt.ExitCode, attempt.EndsAt),
            AttemptEnd.OomKilled or AttemptEnd.OomKilledFinal => new AttemptTermination(attempt.Number, "OOMKilled", 137, attempt.EndsAt),
            AttemptEnd.Evicted => new AttemptTermination(attempt.Number, "Evicted", null, attempt.EndsAt),
            _ => null,
        };
    }
}
