namespace ExecutionSentinel.Testing;

/// <summary>One task of a real (or hand-written) workflow run.</summary>
/// <remarks>
/// Public because tests pick the tasks to fault from <see cref="WorkflowTrace.Tasks"/>, and build traces of their own with
/// <see cref="WorkflowTrace.Create"/>.
/// </remarks>
public sealed class TraceTask
{
    /// <summary>Describes a task, for <see cref="WorkflowTrace.Create"/>.</summary>
    /// <param name="name">The task's name, unique in its trace.</param>
    /// <param name="category">The task type (HyperFlow's process name).</param>
    /// <param name="runtime">How long it ran; zero or more.</param>
    /// <param name="parents">The names of the tasks that must finish before it starts; none when null.</param>
    /// <param name="machine">The machine it ran on, when known.</param>
    /// <param name="memoryBytes">Its peak memory, when known.</param>
    /// <param name="startOffset">
    /// When it started, from the run's start, when known: a <see cref="SimulatedCluster"/> then starts it at that offset
    /// (replaying the real schedule) instead of scheduling it itself.
    /// </param>
    /// <exception cref="ArgumentException">A name or category is empty, or a duration is negative or not finite.</exception>
    public TraceTask(
        string name,
        string category,
        TimeSpan runtime,
        IReadOnlyList<string>? parents = null,
        string? machine = null,
        long? memoryBytes = null,
        TimeSpan? startOffset = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        ArgumentOutOfRangeException.ThrowIfLessThan(runtime, TimeSpan.Zero);
        if (startOffset < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(startOffset), startOffset, "A start offset must not be negative.");
        }

        Name = name;
        Category = category;
        Runtime = runtime;
        Parents = parents ?? [];
        Machine = machine;
        MemoryBytes = memoryBytes;
        StartOffset = startOffset;
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

    /// <summary>
    /// When it started running, from the start of the run, when recorded: a <see cref="SimulatedCluster"/> replays it then
    /// (or when its parents finished, if later) instead of scheduling it over its slots.
    /// </summary>
    public TimeSpan? StartOffset { get; }
}
