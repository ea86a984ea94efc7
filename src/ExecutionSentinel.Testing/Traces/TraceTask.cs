namespace ExecutionSentinel.Testing;

/// <summary>One task of a real workflow run.</summary>
/// <remarks>Public because tests pick the tasks to fault from <see cref="WorkflowTrace.Tasks"/>.</remarks>
public sealed class TraceTask
{
    internal TraceTask(string name, string category, TimeSpan runtime, IReadOnlyList<string> parents, string? machine = null, long? memoryBytes = null)
    {
        Name = name;
        Category = category;
        Runtime = runtime;
        Parents = parents;
        Machine = machine;
        MemoryBytes = memoryBytes;
    }

    /// <summary>The task's name in the trace, e.g. <c>individuals_ID0000001</c>.</summary>
    public string Name { get; }

    /// <summary>The task type (HyperFlow's process name).</summary>
    public string Category { get; }

    /// <summary>The measured wall time of the task in that run.</summary>
    public TimeSpan Runtime { get; }

    /// <summary>The tasks that had to finish before it started.</summary>
    public IReadOnlyList<string> Parents { get; }

    /// <summary>The machine it ran on, when recorded.</summary>
    public string? Machine { get; }

    /// <summary>Its measured peak memory, when recorded.</summary>
    public long? MemoryBytes { get; }
}
