namespace ExecutionSentinel.Testing;

/// <summary>One task of a real workflow run.</summary>
/// <param name="Name">The task's name in the trace, e.g. <c>individuals_ID0000001</c>.</param>
/// <param name="Category">The task type (HyperFlow's process name).</param>
/// <param name="Runtime">The measured wall time of the task in that run.</param>
/// <param name="Parents">The tasks that had to finish before it started.</param>
/// <param name="Machine">The machine it ran on, when recorded.</param>
/// <param name="MemoryBytes">Its measured peak memory, when recorded.</param>
/// <remarks>Public because tests pick the tasks to fault from <see cref="WorkflowTrace.Tasks"/>.</remarks>
public sealed record TraceTask(
    string Name,
    string Category,
    TimeSpan Runtime,
    IReadOnlyList<string> Parents,
    string? Machine = null,
    long? MemoryBytes = null);
