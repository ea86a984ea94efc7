using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Watching;

/// <summary>
/// The watch's memory of every task it has seen: turns full observations into changes, keeps finished tasks
/// counted after their objects are deleted, flags vanished tasks as gone, and keeps the counts incrementally.
/// </summary>
internal sealed class TaskLedger
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskObservation> _latest = new(StringComparer.Ordinal);

    // Probes hand back the same instance while a task does not change: looking it up by reference is much cheaper than
    // hashing its name, and is the common case at every tick.
    private readonly Dictionary<TaskObservation, Entry> _byInstance = new(ReferenceEqualityComparer.Instance);
    private readonly WorkflowIndex _workflow;
    private long _generation;
    private int _completed;
    private int _failed;
    private int _running;
    private int _outsideInventory;
    private readonly Dictionary<string, TypeCounts> _byType = new(StringComparer.Ordinal);

    private readonly IReadOnlyList<TaskSpec> _inventory;

    public TaskLedger(WorkflowIndex workflow, IReadOnlyList<TaskSpec> inventory)
    {
        _workflow = workflow;
        _inventory = inventory;
    }

    public IReadOnlyDictionary<string, TaskObservation> Tasks => _latest;

    /// <summary>The number of tasks seen so far.</summary>
    public int TrackedCount => _entries.Count;

    public ProgressCounts Progress => new(_completed, _failed, _running, _workflow.TotalTasks + _outsideInventory);

    /// <summary>
    /// The tasks not seen to finish (never seen, still running or pending, lost, or ended unobserved): the inventory's in
    /// its order, then those seen outside it. With the completed and failed counts, they account for every task.
    /// </summary>
    public List<string> UnfinishedTaskNames()
    {
        var names = new List<string>();
        foreach (var spec in _inventory)
        {
            if (!_entries.TryGetValue(spec.Name, out var entry) || !entry.Observation.IsFinished)
            {
                names.Add(spec.Name);
            }
        }

        if (_outsideInventory > 0)
        {
            foreach (var (name, entry) in _entries)
            {
                if (!entry.Observation.IsFinished && _workflow.FindSpec(name) is null)
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    /// <summary>The counts per task type: every inventory type, plus types seen outside the inventory.</summary>
    public IReadOnlyDictionary<string, ProgressCounts> ProgressByType()
    {
        var result = new Dictionary<string, ProgressCounts>(StringComparer.Ordinal);
        foreach (var type in _workflow.TaskTypes)
        {
            result[type] = new ProgressCounts(0, 0, 0, _workflow.CountOfType(type));
        }

        foreach (var (type, counts) in _byType)
        {
            var total = Math.Max(_workflow.CountOfType(type), counts.Seen);
            result[type] = new ProgressCounts(counts.Completed, counts.Failed, counts.Running, total);
        }

        return result;
    }

    /// <summary>Applies one observation and returns what changed, in the order the probe listed the tasks, then vanished ones.</summary>
    public List<TaskChange> Apply(IReadOnlyCollection<TaskObservation> observed)
    {
        var generation = ++_generation;
        var changes = new List<TaskChange>();
        var seen = 0;
        foreach (var current in observed)
        {
            if (_byInstance.TryGetValue(current, out var same))
            {
                seen += same.SeenIn == generation ? 0 : 1;
                same.SeenIn = generation;
                continue;
            }

            if (_entries.TryGetValue(current.Name, out var entry))
            {
                seen += entry.SeenIn == generation ? 0 : 1;
                entry.SeenIn = generation;
                if (!entry.Observation.Equals(current))
                {
                    changes.Add(new TaskChange(entry.Observation, current));
                    Replace(entry, current);
                }
                else
                {
                    Reindex(entry, current); // An equal copy: adopt it, so the next tick finds it by reference.
                }
            }
            else
            {
                entry = new Entry(current) { SeenIn = generation };
                seen++;
                _entries.Add(current.Name, entry);
                _byInstance[current] = entry;
                if (_workflow.FindSpec(current.Name) is null)
                {
                    _outsideInventory++;
                }

                Count(current, +1);
                TypeOf(current).Seen++;
                _latest[current.Name] = current;
                changes.Add(new TaskChange(null, current));
            }
        }

        // Every known task was seen (the usual case): nothing vanished, no need to walk them all.
        if (seen == _entries.Count)
        {
            return changes;
        }

        foreach (var entry in _entries.Values)
        {
            if (entry.SeenIn != generation && !entry.Observation.IsGone)
            {
                var gone = entry.Observation with { IsGone = true };
                changes.Add(new TaskChange(entry.Observation, gone));
                Replace(entry, gone);
            }
        }

        return changes;
    }

    private void Replace(Entry entry, TaskObservation current)
    {
        Count(entry.Observation, -1);
        Count(current, +1);
        Reindex(entry, current);
        _latest[current.Name] = current;
    }

    private void Reindex(Entry entry, TaskObservation current)
    {
        _byInstance.Remove(entry.Observation);
        entry.Observation = current;
        _byInstance[current] = entry;
    }

    private void Count(TaskObservation task, int delta)
    {
        var type = TypeOf(task);
        switch (task.Phase)
        {
            case TaskPhase.Succeeded:
                _completed += delta;
                type.Completed += delta;
                break;
            case TaskPhase.Failed:
                _failed += delta;
                type.Failed += delta;
                break;
            case TaskPhase.Running when !task.IsGone:
                _running += delta;
                type.Running += delta;
                break;
        }
    }

    private TypeCounts TypeOf(TaskObservation task)
    {
        if (!_byType.TryGetValue(task.TaskType, out var counts))
        {
            _byType[task.TaskType] = counts = new TypeCounts();
        }

        return counts;
    }

    private sealed class TypeCounts
    {
        public int Completed { get; set; }

        public int Failed { get; set; }

        public int Running { get; set; }

        public int Seen { get; set; }
    }

    private sealed class Entry(TaskObservation observation)
    {
        public TaskObservation Observation { get; set; } = observation;

        public long SeenIn { get; set; }
    }
}
