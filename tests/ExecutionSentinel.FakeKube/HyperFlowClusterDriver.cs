using ExecutionSentinel.Testing;
using k8s.Models;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// Moves HyperFlow-shaped Jobs and pods through their lives on a <see cref="FakeKubeApiServer"/>, following a
/// <see cref="SimulatedCluster"/>'s plan of a real trace (with its faults: OOM kills, failures, stragglers, hangs,
/// evictions, vanished tasks, unschedulable pods, TTL deletion, outages), and writes the engine's signal file.
/// Call <see cref="Sync"/> as time passes; it writes only what changed.
/// </summary>
public sealed class HyperFlowClusterDriver
{
    public const string SignalFile = "/work_dir/.workflow-exit-code";
    private readonly FakeKubeApiServer _server;
    private readonly SimulatedCluster _cluster;
    private readonly HyperFlowObjects _objects;
    private readonly TimeSpan? _ttl;
    private readonly Dictionary<string, TaskState> _tasks = new(StringComparer.Ordinal);
    private readonly List<ProbeOutageFault> _outages;
    private bool _signalled;
    private bool _inOutage;
    private DateTimeOffset? _lastBookmark;

    public HyperFlowClusterDriver(FakeKubeApiServer server, SimulatedCluster cluster, HyperFlowObjects objects)
    {
        _server = server;
        _cluster = cluster;
        _objects = objects;
        _ttl = cluster.Options.DeleteFinishedAfter;
        _outages = cluster.Options.Faults.OfType<ProbeOutageFault>().ToList();
        EnginePodName = "hyperflow-engine-7d9f8b6c5-" + HyperFlowObjects.Suffix(42, 5);
        server.Store.Upsert("pods", HyperFlowObjects.ToNode(objects.EnginePod(EnginePodName, cluster.StartedAt)));
    }

    public string Namespace => _objects.Namespace;

    public string EnginePodName { get; }

    /// <summary>
    /// How often, in the run's (simulated) time, <see cref="Sync"/> has the server send bookmarks; null: never (when the
    /// server sends them itself on the same clock, see <see cref="FakeKubeOptions.BookmarkInterval"/>). Default 1 min, as a real server.
    /// </summary>
    public TimeSpan? BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether the engine has written its signal.</summary>
    public bool Signalled => _signalled;

    public MonitoringContext CreateContext(ExpectedDurationSource expected = ExpectedDurationSource.SameRunTypeMedian) =>
        _cluster.CreateContext(expected) with { Namespace = Namespace, EnginePodName = EnginePodName };

    /// <summary>Brings the server to the state of the run at <paramref name="now"/>.</summary>
    public void Sync(DateTimeOffset now)
    {
        SyncOutage(now);
        foreach (var timeline in _cluster.Timelines.Values.OrderBy(t => t.CreatedAt))
        {
            if (timeline.CreatedAt <= now)
            {
                SyncTask(timeline, now);
            }
        }

        if (!_signalled && _cluster.EngineSignalsAt is { } at && now >= at)
        {
            _server.WriteFile(Namespace, EnginePodName, "hyperflow", SignalFile, _cluster.EngineExitCode + "\n");
            _signalled = true;
        }

        if (!_inOutage && BookmarkInterval is { } interval && (_lastBookmark is not { } last || now - last >= interval))
        {
            _server.Store.Bookmark();
            _lastBookmark = now;
        }
    }

    private void SyncOutage(DateTimeOffset now)
    {
        var inOutage = _outages.Any(o => now >= _cluster.StartedAt + o.From && now < _cluster.StartedAt + o.From + o.Duration);
        if (inOutage && !_inOutage)
        {
            _server.Faults.Outage = FaultKind.ServerError;
            _server.Store.CloseAllWatches();
        }
        else if (!inOutage && _inOutage)
        {
            _server.Faults.Outage = null;
        }

        _inOutage = inOutage;
    }

    private void SyncTask(SimulatedTaskTimeline timeline, DateTimeOffset now)
    {
        if (!_tasks.TryGetValue(timeline.Task.Name, out var state))
        {
            var jobName = HyperFlowObjects.JobName(timeline.Task.Category, timeline.Index);
            state = new TaskState(_objects.Job(jobName, timeline.Task.Name, timeline.CreatedAt));
            _tasks[timeline.Task.Name] = state;
        }

        if (state.Deleted)
        {
            return;
        }

        if (state.Created && _server.Store.Get("jobs", Namespace, state.Job.Metadata.Name) is var job
            && (job is null || job.IsTerminating || job.Uid != state.Job.Metadata.Uid))
        {
            // Deleted (or being deleted) through the API: the Job controller makes no more pods, and nothing comes back.
            state.Deleted = true;
            return;
        }

        var attempts = timeline.Attempts;
        var current = timeline.AttemptIndexAt(now);

        var attempt = attempts[current];
        var ended = now >= attempt.EndsAt;
        var unschedulable = attempt.IsUnschedulableAt(now);
        var running = !ended && now >= attempt.StartedAt;
        var finishedForGood = ended && current == attempts.Count - 1 && attempt.End is not (AttemptEnd.Hangs or AttemptEnd.Vanishes);
        var vanished = timeline.VanishesAt is { } vanishes && now >= vanishes;
        var expired = finishedForGood && _ttl is { } ttl && now >= attempt.EndsAt + ttl;
        if (vanished || expired)
        {
            // HyperFlow's ttlSecondsAfterFinished (or a vanish): the Job goes, and its pods with it (background propagation).
            foreach (var pod in state.Pods)
            {
                _server.Store.Delete("pods", Namespace, pod.Metadata.Name);
            }

            _server.Store.Delete("jobs", Namespace, state.Job.Metadata.Name);
            state.Deleted = true;
            return;
        }

        var key = (current, ended, unschedulable, running);
        if (state.LastKey == key)
        {
            return;
        }

        state.LastKey = key;
        while (state.Pods.Count <= current)
        {
            var number = state.Pods.Count;
            state.Pods.Add(_objects.Pod(state.Job, number + 1, attempts[number].CreatedAt));
        }

        var node = "node-" + (timeline.Slot % 4);
        for (var i = 0; i <= current; i++)
        {
            var previous = state.Pods[i];
            var updated = PodAt(previous, attempts[i], now, node);
            if ((!ReferenceEquals(previous, updated) || i == current) && !state.PodsGone.Contains(updated.Metadata.Name))
            {
                if (state.PodsMade.Contains(updated.Metadata.Name) && _server.Store.Get("pods", Namespace, updated.Metadata.Name) is null)
                {
                    state.PodsGone.Add(updated.Metadata.Name); // Deleted through the API: a pod never comes back.
                    continue;
                }

                state.Pods[i] = updated;
                _server.Store.Upsert("pods", HyperFlowObjects.ToNode(updated));
                state.PodsMade.Add(updated.Metadata.Name);
            }
        }

        state.Job = JobAt(state.Job, attempts, current, now);
        _server.Store.Upsert("jobs", HyperFlowObjects.ToNode(state.Job));
        state.Created = true;
    }

    private static V1Pod PodAt(V1Pod pod, SimulatedAttempt attempt, DateTimeOffset now, string node)
    {
        var status = new V1PodStatus { QosClass = "Burstable", Conditions = [], StartTime = attempt.CreatedAt.UtcDateTime };
        var container = new V1ContainerStatus { Name = "test", Image = "image", ImageID = "image-id", Ready = false, RestartCount = 0 };
        var spec = pod.Spec;
        if (attempt.IsUnschedulableAt(now))
        {
            status.Phase = "Pending";
            status.StartTime = null;
            status.Conditions.Add(new V1PodCondition
            {
                Type = "PodScheduled", Status = "False", Reason = "Unschedulable",
                Message = "0/4 nodes are available: 4 Insufficient memory. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.",
                LastTransitionTime = attempt.CreatedAt.UtcDateTime,
            });
            return With(pod, spec, status);
        }

        spec.NodeName = node;
        status.Conditions.Add(new V1PodCondition { Type = "PodScheduled", Status = "True", LastTransitionTime = attempt.CreatedAt.UtcDateTime });
        if (now < attempt.StartedAt)
        {
            status.Phase = "Pending";
            container.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ContainerCreating" } };
        }
        else if (now < attempt.EndsAt)
        {
            status.Phase = "Running";
            container.Ready = true;
            container.Started = true;
            container.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = attempt.StartedAt.UtcDateTime } };
        }
        else
        {
            var (phase, reason, exitCode) = attempt.End switch
            {
                AttemptEnd.Succeeded => ("Succeeded", "Completed", 0),
                AttemptEnd.OomKilled or AttemptEnd.OomKilledFinal => ("Failed", "OOMKilled", 137),
                AttemptEnd.Evicted => ("Failed", "ContainerStatusUnknown", 137),
                _ => ("Failed", "Error", attempt.ExitCode),
            };
            status.Phase = phase;
            container.State = new V1ContainerState
            {
                Terminated = new V1ContainerStateTerminated
                {
                    Reason = reason, ExitCode = exitCode, StartedAt = attempt.StartedAt.UtcDateTime, FinishedAt = attempt.EndsAt.UtcDateTime,
                },
            };
            if (attempt.End == AttemptEnd.Evicted)
            {
                status.Reason = "Evicted";
                status.Message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.";
                status.Conditions.Add(new V1PodCondition { Type = "DisruptionTarget", Status = "True", Reason = "TerminationByKubelet", LastTransitionTime = attempt.EndsAt.UtcDateTime });
            }
        }

        status.ContainerStatuses = [container];
        return With(pod, spec, status);
    }

    private static V1Pod With(V1Pod pod, V1PodSpec spec, V1PodStatus status) => new()
    {
        ApiVersion = pod.ApiVersion,
        Kind = pod.Kind,
        Metadata = pod.Metadata,
        Spec = spec,
        Status = status,
    };

    private static V1Job JobAt(V1Job job, IReadOnlyList<SimulatedAttempt> attempts, int current, DateTimeOffset now)
    {
        var attempt = attempts[current];
        var ended = now >= attempt.EndsAt;
        var failedBefore = current;
        var status = new V1JobStatus { StartTime = attempts[0].CreatedAt.UtcDateTime, Conditions = [] };
        if (!ended)
        {
            status.Active = 1;
            status.Failed = failedBefore > 0 ? failedBefore : null;
        }
        else if (attempt.End == AttemptEnd.Succeeded)
        {
            status.Succeeded = 1;
            status.Failed = failedBefore > 0 ? failedBefore : null;
            status.CompletionTime = attempt.EndsAt.UtcDateTime;
            status.Conditions.Add(new V1JobCondition { Type = "SuccessCriteriaMet", Status = "True", Reason = "CompletionsReached", LastTransitionTime = attempt.EndsAt.UtcDateTime });
            status.Conditions.Add(new V1JobCondition { Type = "Complete", Status = "True", Reason = "CompletionsReached", LastTransitionTime = attempt.EndsAt.UtcDateTime });
        }
        else if (current == attempts.Count - 1)
        {
            status.Failed = current + 1;
            status.Conditions.Add(new V1JobCondition { Type = "FailureTarget", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit", LastTransitionTime = attempt.EndsAt.UtcDateTime });
            status.Conditions.Add(new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit", LastTransitionTime = attempt.EndsAt.UtcDateTime });
        }
        else
        {
            status.Failed = current + 1; // Waiting for the controller's back-off before the next pod.
        }

        return new V1Job { ApiVersion = job.ApiVersion, Kind = job.Kind, Metadata = job.Metadata, Spec = job.Spec, Status = status };
    }

    private sealed class TaskState(V1Job job)
    {
        public V1Job Job { get; set; } = job;

        public List<V1Pod> Pods { get; } = [];

        public (int, bool, bool, bool)? LastKey { get; set; }

        public bool Deleted { get; set; }

        /// <summary>Whether the Job has been written to the server.</summary>
        public bool Created { get; set; }

        public HashSet<string> PodsMade { get; } = new(StringComparer.Ordinal);

        public HashSet<string> PodsGone { get; } = new(StringComparer.Ordinal);
    }
}
