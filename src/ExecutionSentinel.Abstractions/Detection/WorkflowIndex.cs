namespace ExecutionSentinel.Detection;

/// <summary>Look-ups over a <see cref="MonitoringContext"/>'s inventory and DAG, built once per watch.</summary>
/// <remarks>Public because detectors look the workflow up in it.</remarks>
public sealed class WorkflowIndex
{
    private readonly Dictionary<string, TaskSpec> _specs;
    private readonly Dictionary<string, int> _tasksPerType;
    private readonly Dictionary<string, int> _typeOrder;

    /// <summary>Indexes a context.</summary>
    /// <param name="context">The context.</param>
    public WorkflowIndex(MonitoringContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _specs = new Dictionary<string, TaskSpec>(StringComparer.Ordinal);
        _tasksPerType = new Dictionary<string, int>(StringComparer.Ordinal);
        var orderByType = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var spec in context.TaskInventory)
        {
            _specs.TryAdd(spec.Name, spec);
            _tasksPerType[spec.TaskType] = _tasksPerType.GetValueOrDefault(spec.TaskType) + 1;
            orderByType[spec.TaskType] = Math.Min(orderByType.GetValueOrDefault(spec.TaskType, int.MaxValue), spec.DagOrder);
        }

        foreach (var (type, depth) in DagWalk.Depths(context.DagStructure))
        {
            orderByType.TryAdd(type, depth);
        }

        TaskTypes = orderByType.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).ToArray();
        _typeOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < TaskTypes.Count; i++)
        {
            _typeOrder[TaskTypes[i]] = i;
        }

        TotalTasks = _specs.Count;
    }

    /// <summary>Every task type, in DAG order (inventory DAG order first, else depth in the DAG).</summary>
    public IReadOnlyList<string> TaskTypes { get; }

    /// <summary>The number of tasks in the inventory.</summary>
    public int TotalTasks { get; }

    /// <summary>Finds a task's spec by name.</summary>
    /// <param name="taskName">The task's name.</param>
    /// <returns>The spec, or <see langword="null"/> when the task is not in the inventory.</returns>
    public TaskSpec? FindSpec(string taskName) => _specs.GetValueOrDefault(taskName);

    /// <summary>The number of inventory tasks of a type.</summary>
    /// <param name="taskType">The type.</param>
    /// <returns>The count, 0 for a type not in the inventory.</returns>
    public int CountOfType(string taskType) => _tasksPerType.GetValueOrDefault(taskType);

    /// <summary>The position of a type in <see cref="TaskTypes"/>; types not in the context sort last.</summary>
    /// <param name="taskType">The type.</param>
    /// <returns>The position, or <see cref="int.MaxValue"/>.</returns>
    public int OrderOf(string taskType) => _typeOrder.GetValueOrDefault(taskType, int.MaxValue);
}
