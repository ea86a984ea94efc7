namespace ExecutionSentinel.Testing;

/// <summary>
/// A fault to inject into a <see cref="SimulatedCluster"/>. Make one with the static factories, e.g.
/// <c>SimulatedFault.OomKill("sifting_ID0000009")</c>.
/// </summary>
/// <remarks>Public because tests and tools put faults in <see cref="SimulatedClusterOptions.Faults"/>.</remarks>
public abstract class SimulatedFault
{
    private protected SimulatedFault()
    {
    }

    /// <summary>The fault's kind and, for a task's fault, its task.</summary>
    /// <returns>For example <c>OomKillFault sifting_ID0000009</c>.</returns>
    public override string ToString() => TargetTask is { } task ? $"{GetType().Name} {task}" : GetType().Name;

    /// <summary>The task the fault is aimed at, or <see langword="null"/> for cluster-wide faults.</summary>
    internal string? TargetTask => this switch
    {
        OomKillFault f => f.Task,
        TaskFailureFault f => f.Task,
        StragglerFault f => f.Task,
        HangFault f => f.Task,
        EvictionFault f => f.Task,
        VanishFault f => f.Task,
        UnschedulableFault f => f.Task,
        _ => null,
    };

    /// <summary>The task's first <paramref name="attempts"/> attempts are OOM-killed (exit 137) halfway through; the next attempt succeeds unless <paramref name="final"/>.</summary>
    /// <param name="task">The task's name.</param>
    /// <param name="attempts">How many attempts are killed.</param>
    /// <param name="final">Whether the task fails for good after the last kill.</param>
    /// <returns>The fault.</returns>
    public static OomKillFault OomKill(string task, int attempts = 1, bool final = false) => new(task, attempts, final);

    /// <summary>The task runs its full runtime, then fails with <paramref name="exitCode"/>, with no retry.</summary>
    /// <param name="task">The task's name.</param>
    /// <param name="exitCode">The container's exit code.</param>
    /// <returns>The fault.</returns>
    public static TaskFailureFault Fail(string task, int exitCode = 1) => new(task, exitCode);

    /// <summary>The task runs for max(<paramref name="factor"/> × its runtime, its runtime + <paramref name="atLeastExtra"/>), then succeeds.</summary>
    /// <param name="task">The task's name.</param>
    /// <param name="factor">The runtime multiplier.</param>
    /// <param name="atLeastExtra">The least extra time, if any.</param>
    /// <returns>The fault.</returns>
    public static StragglerFault Straggle(string task, double factor, TimeSpan atLeastExtra = default) => new(task, factor, atLeastExtra);

    /// <summary>The task starts and never finishes.</summary>
    /// <param name="task">The task's name.</param>
    /// <returns>The fault.</returns>
    public static HangFault Hang(string task) => new(task);

    /// <summary>The task's pod is evicted halfway through its first <paramref name="attempts"/> attempts; the Job then retries it.</summary>
    /// <param name="task">The task's name.</param>
    /// <param name="attempts">How many attempts are evicted.</param>
    /// <returns>The fault.</returns>
    public static EvictionFault Evict(string task, int attempts = 1) => new(task, attempts);

    /// <summary>The task's Job and pod are deleted halfway through its run: it never finishes, and nothing says so.</summary>
    /// <param name="task">The task's name.</param>
    /// <returns>The fault.</returns>
    public static VanishFault Vanish(string task) => new(task);

    /// <summary>The task's first pod cannot be scheduled (<c>PodScheduled=False</c>, reason <c>Unschedulable</c>) for <paramref name="duration"/>, then runs normally.</summary>
    /// <param name="task">The task's name.</param>
    /// <param name="duration">How long the pod stays unschedulable.</param>
    /// <returns>The fault.</returns>
    public static UnschedulableFault Unschedulable(string task, TimeSpan duration) => new(task, duration);

    /// <summary>Every observation fails from <paramref name="from"/> (after the cluster's start) for <paramref name="duration"/>.</summary>
    /// <param name="from">When the outage starts, relative to the cluster's start.</param>
    /// <param name="duration">How long it lasts.</param>
    /// <returns>The fault.</returns>
    public static ProbeOutageFault ProbeOutage(TimeSpan from, TimeSpan duration) => new(from, duration);
}

/// <summary>Attempts of a task are OOM-killed. See <see cref="SimulatedFault.OomKill"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class OomKillFault : SimulatedFault
{
    internal OomKillFault(string task, int attempts, bool final)
    {
        Task = task;
        Attempts = attempts;
        Final = final;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }

    /// <summary>How many attempts are killed.</summary>
    public int Attempts { get; }

    /// <summary>Whether the task fails for good after the last kill.</summary>
    public bool Final { get; }
}

/// <summary>A task fails. See <see cref="SimulatedFault.Fail"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class TaskFailureFault : SimulatedFault
{
    internal TaskFailureFault(string task, int exitCode)
    {
        Task = task;
        ExitCode = exitCode;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }

    /// <summary>The container's exit code.</summary>
    public int ExitCode { get; }
}

/// <summary>A task runs far longer than in the trace. See <see cref="SimulatedFault.Straggle"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class StragglerFault : SimulatedFault
{
    internal StragglerFault(string task, double factor, TimeSpan atLeastExtra)
    {
        Task = task;
        Factor = factor;
        AtLeastExtra = atLeastExtra;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }

    /// <summary>The runtime multiplier.</summary>
    public double Factor { get; }

    /// <summary>The least extra time.</summary>
    public TimeSpan AtLeastExtra { get; }
}

/// <summary>A task never finishes. See <see cref="SimulatedFault.Hang"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class HangFault : SimulatedFault
{
    internal HangFault(string task)
    {
        Task = task;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }
}

/// <summary>Attempts of a task are evicted. See <see cref="SimulatedFault.Evict"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class EvictionFault : SimulatedFault
{
    internal EvictionFault(string task, int attempts)
    {
        Task = task;
        Attempts = attempts;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }

    /// <summary>How many attempts are evicted.</summary>
    public int Attempts { get; }
}

/// <summary>A running task's objects vanish. See <see cref="SimulatedFault.Vanish"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class VanishFault : SimulatedFault
{
    internal VanishFault(string task)
    {
        Task = task;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }
}

/// <summary>The cluster cannot be observed for a while. See <see cref="SimulatedFault.ProbeOutage"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class ProbeOutageFault : SimulatedFault
{
    internal ProbeOutageFault(TimeSpan from, TimeSpan duration)
    {
        From = from;
        Duration = duration;
    }

    /// <summary>When the outage starts, relative to the cluster's start.</summary>
    public TimeSpan From { get; }

    /// <summary>How long it lasts.</summary>
    public TimeSpan Duration { get; }
}

/// <summary>A task's first pod cannot be scheduled for a while. See <see cref="SimulatedFault.Unschedulable"/>.</summary>
/// <remarks>Public because <see cref="SimulatedFault"/>'s factory makes it and tools describe it by its properties.</remarks>
public sealed class UnschedulableFault : SimulatedFault
{
    internal UnschedulableFault(string task, TimeSpan duration)
    {
        Task = task;
        Duration = duration;
    }

    /// <summary>The task's name.</summary>
    public string Task { get; }

    /// <summary>How long the pod stays unschedulable.</summary>
    public TimeSpan Duration { get; }
}
