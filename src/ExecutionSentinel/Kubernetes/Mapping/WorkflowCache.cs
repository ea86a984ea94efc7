using ExecutionSentinel.Probing;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>
/// The informer's cache for one watched workflow: applies list results and watch events for task Jobs and
/// pods, keeps only their projected facts, and hands out one <see cref="TaskObservation"/> per task, rebuilt
/// only for tasks that changed since the last snapshot.
/// </summary>
/// <remarks>
/// A task's name comes from its own objects, never from arrival order: a Job whose name is an inventory name keeps it;
/// otherwise the task id HyperFlow wrote into the Job's (or the pod's) command (<c>hflow-job-execute &lt;id&gt;</c>) names it
/// when the inventory has that id. A Job that cannot be identified that way is its own task, named by the Job, and counted
/// outside the inventory (the sentinel reports it once).
/// A task whose unfinished Job vanished from a full list after a gap at least as long as the Job's time to live after it
/// finishes (<c>ttlSecondsAfterFinished</c>) may have ended and been deleted unseen: its phase becomes
/// <see cref="TaskPhase.Unknown"/> instead of it being taken for lost.
/// A task whose objects are deleted after it was seen to finish stays in the snapshot as finished and gone (a tombstone),
/// so that its end is counted even when the end and the deletion arrive together.
/// Memory per task is kept under 1 KiB: repeated strings (node names) are shared, task ids are dropped once they have
/// named the task, and the observation lives in the task's own entry.
/// Not thread-safe: the probe serialises event application and snapshots.
/// </remarks>
internal sealed class WorkflowCache
{
    private static readonly PodFacts[] NoPods = [];
    private readonly TaskTypeResolver _types;
    private readonly string? _taskTypeLabel;
    private readonly HashSet<string> _unclaimedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskEntry> _tasksByJob = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly List<TaskEntry> _dirty = [];
    private int _observed;

    public WorkflowCache(MonitoringContext context, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _taskTypeLabel = taskTypeLabel;
        _types = new TaskTypeResolver(context.TaskInventory.Select(t => t.TaskType).Distinct());
        foreach (var spec in context.TaskInventory)
        {
            _unclaimedNames.Add(spec.Name);
        }
    }

    /// <summary>The number of tasks tracked.</summary>
    public int Count => _tasksByJob.Count;

    /// <summary>The number of task pods held.</summary>
    public int PodCount => _tasksByJob.Values.Sum(e => e.Pods.Length);

    /// <summary>The number of task Jobs held.</summary>
    public int JobCount => _tasksByJob.Values.Count(e => e.Job is not null);

    /// <summary>
    /// How many changes that matter the cache has taken: a task's facts changed, or its objects appeared or went. An event
    /// that changes nothing the facts hold (a resourceVersion bump, a field the sentinel does not read) does not count.
    /// </summary>
    public long Changes { get; private set; }

    /// <summary>Applies one change of a Job, given as a client model (tests; an application's own client).</summary>
    public void Apply(WatchEventType type, V1Job job) => Apply(type, JobProjection.Project(job, _taskTypeLabel));

    /// <summary>Applies one change of a Job, projected (as the informer reads it off the wire).</summary>
    public void Apply(WatchEventType type, JobFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Name.Length == 0 || Entry(facts.Name, facts.TaskTypeLabel, facts.TaskId) is not { } entry)
        {
            return;
        }

        if (type == WatchEventType.Deleted)
        {
            if (entry.Job is null)
            {
                return;
            }

            entry.Job = null;
        }
        else
        {
            var kept = facts with { Name = entry.JobName, TaskId = null };
            if (kept == entry.Job && !entry.EndedUnobserved)
            {
                return; // Nothing the sentinel reads has changed.
            }

            entry.Job = entry.LastJob = kept;
            entry.EndedUnobserved = false;
        }

        MarkDirty(entry);
    }

    /// <summary>Applies one change of a pod, given as a client model (tests; an application's own client).</summary>
    public void Apply(WatchEventType type, V1Pod pod) => Apply(type, PodProjection.Project(pod, _taskTypeLabel));

    /// <summary>Applies one change of a pod, projected (as the informer reads it off the wire).</summary>
    public void Apply(WatchEventType type, PodFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.JobName is null || Entry(facts.JobName, facts.TaskTypeLabel, facts.TaskId) is not { } entry)
        {
            return; // Not a task pod: the engine, or a pod not created by a Job, or not a task Job's.
        }

        var pods = entry.Pods;
        var at = Array.FindIndex(pods, p => p.Name == facts.Name);
        if (type == WatchEventType.Deleted)
        {
            if (at < 0)
            {
                return;
            }

            entry.Pods = pods.Length == 1 ? NoPods : [.. pods.Where((_, i) => i != at)];
        }
        else
        {
            var kept = facts with { JobName = entry.JobName, TaskId = null, NodeName = Shared(facts.NodeName) };
            if (at >= 0 && kept == pods[at] && !entry.EndedUnobserved)
            {
                return; // Nothing the sentinel reads has changed.
            }

            if (at >= 0)
            {
                var copy = (PodFacts[])pods.Clone();
                copy[at] = kept;
                entry.Pods = copy;
            }
            else
            {
                entry.Pods = [.. pods, kept];
                Array.Sort(entry.Pods, static (a, b) => Nullable.Compare(a.CreatedAt, b.CreatedAt));
            }

            entry.LastPods = entry.Pods;

            entry.EndedUnobserved = false;
        }

        MarkDirty(entry);
    }

    /// <summary>Applies a full list of Jobs: every Job not in it is gone.</summary>
    /// <param name="jobs">The Jobs that exist now.</param>
    /// <param name="unobservedFor">
    /// How long the view went without news before this list (since the last event, bookmark or list). A Job that was
    /// running then and is gone now, with a gap at least its time to live after finishing, may have ended and been
    /// deleted unseen; within a shorter gap it cannot have been deleted by its TTL, so it was lost.
    /// </param>
    public void ReplaceJobs(IReadOnlyList<V1Job> jobs, TimeSpan unobservedFor = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ReplaceJobFacts(jobs.Select(j => JobProjection.Project(j, _taskTypeLabel)).ToList(), unobservedFor);
    }

    /// <summary>Applies a full list of Jobs, projected: every Job not in it is gone.</summary>
    public void ReplaceJobFacts(IReadOnlyList<JobFacts> jobs, TimeSpan unobservedFor = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var present = new HashSet<string>(jobs.Count, StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            Apply(WatchEventType.Modified, job);
            present.Add(job.Name);
        }

        foreach (var entry in _tasksByJob.Values)
        {
            if (entry.Job is { } last && !present.Contains(entry.JobName))
            {
                entry.EndedUnobserved = !last.IsFinished && last.TimeToLiveAfterFinished is { } ttl && unobservedFor >= ttl;
                entry.Job = null;
                MarkDirty(entry);
            }
        }
    }

    /// <summary>Applies a full list of pods: every pod not in it is gone.</summary>
    public void ReplacePods(IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ReplacePodFacts(pods.Select(p => PodProjection.Project(p, _taskTypeLabel)).ToList());
    }

    /// <summary>Applies a full list of pods, projected: every pod not in it is gone.</summary>
    public void ReplacePodFacts(IReadOnlyList<PodFacts> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var present = new HashSet<string>(pods.Count, StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            Apply(WatchEventType.Modified, pod);
            present.Add(pod.Name);
        }

        foreach (var entry in _tasksByJob.Values)
        {
            if (entry.Pods.Any(p => !present.Contains(p.Name)))
            {
                entry.Pods = [.. entry.Pods.Where(p => present.Contains(p.Name))];
                MarkDirty(entry);
            }
        }
    }

    /// <summary>The tasks whose Job or pods still exist (or ended unseen), rebuilding only those changed since the last call.</summary>
    public TaskObservation[] Snapshot()
    {
        foreach (var entry in _dirty)
        {
            entry.IsDirty = false;
            var existed = entry.Observation is not null;
            entry.Observation = Observe(entry);
            _observed += (entry.Observation is not null ? 1 : 0) - (existed ? 1 : 0);
        }

        _dirty.Clear();
        var tasks = new TaskObservation[_observed];
        var i = 0;
        foreach (var entry in _tasksByJob.Values)
        {
            if (entry.Observation is { } observation)
            {
                tasks[i++] = observation;
            }
        }

        return tasks;
    }

    private static TaskObservation? Observe(TaskEntry entry)
    {
        if (entry.Job is not null || entry.Pods.Length > 0)
        {
            return TaskAssembler.Assemble(entry.TaskName, entry.TaskType, entry.Job, entry.Pods);
        }

        // Gone. A task whose last known state was finished stays finished: a watch resumed after an outage replays its
        // end and its TTL deletion at once, between two snapshots, and the end must not be lost with the objects.
        var last = TaskAssembler.Assemble(entry.TaskName, entry.TaskType, entry.LastJob, entry.LastPods);
        if (last.IsFinished)
        {
            return last with { IsGone = true, IsTerminating = false };
        }

        return entry.EndedUnobserved
            ? last with { Phase = TaskPhase.Unknown, IsGone = true, IsTerminating = false, FinishedAt = null }
            : null;
    }

    private void MarkDirty(TaskEntry entry)
    {
        Changes++;
        if (!entry.IsDirty)
        {
            entry.IsDirty = true;
            _dirty.Add(entry);
        }
    }

    private string? Shared(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_nodeNames.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _nodeNames.Add(value);
        return value;
    }

    private TaskEntry? Entry(string jobName, string? typeLabel, string? taskId)
    {
        if (_tasksByJob.TryGetValue(jobName, out var entry))
        {
            return entry;
        }

        var type = _types.Resolve(typeLabel, jobName);
        if (type is null)
        {
            return null; // Not a task Job (e.g. a data-preparation Job): ignore it.
        }

        // The Job's own identity names the task; a name is given once, so two Jobs never take the same inventory task.
        var name = _unclaimedNames.Remove(jobName) ? jobName
            : taskId is not null && _unclaimedNames.Remove(taskId) ? taskId
            : jobName;
        entry = new TaskEntry(jobName, name, type);
        _tasksByJob[jobName] = entry;
        return entry;
    }

    private sealed class TaskEntry(string jobName, string taskName, string taskType)
    {
        public string JobName { get; } = jobName;

        public string TaskName { get; } = taskName;

        public string TaskType { get; } = taskType;

        public JobFacts? Job { get; set; }

        /// <summary>The Job's pods, oldest first; replaced, never mutated, so a snapshot may hold on to it.</summary>
        public PodFacts[] Pods { get; set; } = NoPods;

        public TaskObservation? Observation { get; set; }

        /// <summary>The Job as last seen, kept after it is deleted: how the task ended.</summary>
        public JobFacts? LastJob { get; set; }

        /// <summary>The pods as last seen, kept after they are deleted.</summary>
        public PodFacts[] LastPods { get; set; } = NoPods;

        /// <summary>Whether the task's unfinished Job vanished from a list after a gap long enough for its TTL to have run.</summary>
        public bool EndedUnobserved { get; set; }

        public bool IsDirty { get; set; }
    }
}
