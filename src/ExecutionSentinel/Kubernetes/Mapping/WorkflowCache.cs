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
/// Task names come from the inventory: a Job whose name or HyperFlow task id is an inventory name keeps it;
/// otherwise it takes the next unclaimed inventory task of its type (by creation order), else its own name.
/// Not thread-safe: the probe serialises event application and snapshots.
/// </remarks>
internal sealed class WorkflowCache
{
    private readonly TaskTypeResolver _types;
    private readonly string? _taskTypeLabel;
    private readonly Dictionary<string, Queue<string>> _unclaimedByType = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inventoryNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskEntry> _tasksByJob = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskObservation> _snapshot = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    public WorkflowCache(MonitoringContext context, string? taskTypeLabel = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _taskTypeLabel = taskTypeLabel;
        _types = new TaskTypeResolver(context.TaskInventory.Select(t => t.TaskType).Distinct());
        foreach (var spec in context.TaskInventory.OrderBy(t => t.DagOrder))
        {
            _inventoryNames.Add(spec.Name);
            if (!_unclaimedByType.TryGetValue(spec.TaskType, out var queue))
            {
                _unclaimedByType[spec.TaskType] = queue = new Queue<string>();
            }

            queue.Enqueue(spec.Name);
        }
    }

    /// <summary>The number of tasks tracked.</summary>
    public int Count => _tasksByJob.Count;

    public void Apply(WatchEventType type, V1Job job)
    {
        var facts = JobProjection.Project(job, _taskTypeLabel);
        if (facts.Name.Length == 0)
        {
            return;
        }

        var entry = Entry(facts.Name, facts.TaskTypeLabel, taskId: null);
        if (entry is null)
        {
            return;
        }

        entry.Job = type == WatchEventType.Deleted ? null : facts;
        _dirty.Add(facts.Name);
    }

    public void Apply(WatchEventType type, V1Pod pod)
    {
        var facts = PodProjection.Project(pod, _taskTypeLabel);
        if (facts.JobName is null)
        {
            return; // Not a task pod: the engine, or a pod not created by a Job.
        }

        var entry = Entry(facts.JobName, facts.TaskTypeLabel, facts.TaskId);
        if (entry is null)
        {
            return;
        }

        entry.Pods.RemoveAll(p => p.Name == facts.Name);
        if (type != WatchEventType.Deleted)
        {
            entry.Pods.Add(facts);
            entry.Pods.Sort(static (a, b) => Nullable.Compare(a.CreatedAt, b.CreatedAt));
        }

        _dirty.Add(facts.JobName);
    }

    /// <summary>Applies a full list of Jobs: every Job not in it is gone.</summary>
    public void ReplaceJobs(IReadOnlyList<V1Job> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            Apply(WatchEventType.Modified, job);
            present.Add(job.Metadata?.Name ?? "");
        }

        foreach (var (jobName, entry) in _tasksByJob)
        {
            if (entry.Job is not null && !present.Contains(entry.Job.Name))
            {
                entry.Job = null;
                _dirty.Add(jobName);
            }
        }
    }

    /// <summary>Applies a full list of pods: every pod not in it is gone.</summary>
    public void ReplacePods(IReadOnlyList<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            Apply(WatchEventType.Modified, pod);
            present.Add(pod.Metadata?.Name ?? "");
        }

        foreach (var (jobName, entry) in _tasksByJob)
        {
            if (entry.Pods.RemoveAll(p => !present.Contains(p.Name)) > 0)
            {
                _dirty.Add(jobName);
            }
        }
    }

    /// <summary>The number of task pods held.</summary>
    public int PodCount => _tasksByJob.Values.Sum(e => e.Pods.Count);

    /// <summary>The number of task Jobs held.</summary>
    public int JobCount => _tasksByJob.Values.Count(e => e.Job is not null);

    /// <summary>The tasks whose Job or pods still exist, rebuilding only those changed since the last call.</summary>
    /// <remarks>The collection is the cache's own: copy it before letting go of the lock that guards the cache.</remarks>
    public IReadOnlyCollection<TaskObservation> Snapshot()
    {
        foreach (var jobName in _dirty)
        {
            var entry = _tasksByJob[jobName];
            if (entry.Job is null && entry.Pods.Count == 0)
            {
                _snapshot.Remove(jobName);
            }
            else
            {
                _snapshot[jobName] = TaskAssembler.Assemble(entry.TaskName, entry.TaskType, entry.Job, entry.Pods);
            }
        }

        _dirty.Clear();
        return _snapshot.Values;
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

        var name = _inventoryNames.Contains(jobName) ? jobName
            : taskId is not null && _inventoryNames.Contains(taskId) ? taskId
            : ClaimNext(type) ?? jobName;
        _inventoryNames.Remove(name);
        entry = new TaskEntry(name, type);
        _tasksByJob[jobName] = entry;
        return entry;
    }

    private string? ClaimNext(string type)
    {
        if (!_unclaimedByType.TryGetValue(type, out var queue))
        {
            return null;
        }

        while (queue.TryDequeue(out var name))
        {
            if (_inventoryNames.Contains(name))
            {
                return name;
            }
        }

        return null;
    }

    private sealed class TaskEntry(string taskName, string taskType)
    {
        public string TaskName { get; } = taskName;

        public string TaskType { get; } = taskType;

        public JobFacts? Job { get; set; }

        public List<PodFacts> Pods { get; } = [];
    }
}
