namespace ExecutionSentinel.Watchdog;

/// <summary>A runner the conductor registers: something that executes a task and sends heartbeats.</summary>
public sealed record Runner
{
    /// <summary>The runner's id, unique among registered runners.</summary>
    public required string Id { get; init; }

    /// <summary>Where it runs.</summary>
    public RunnerKind Kind { get; init; }

    /// <summary>The task it runs, if any.</summary>
    public string? TaskName { get; init; }

    /// <summary>The process id, for a local process.</summary>
    public int? ProcessId { get; init; }

    /// <summary>The container id, for a container.</summary>
    public string? ContainerId { get; init; }

    /// <summary>The Job name, for a Kubernetes Job.</summary>
    public string? JobName { get; init; }
}

/// <summary>What the monitor knows of a runner at one moment.</summary>
/// <param name="Runner">The runner.</param>
/// <param name="State">Its state.</param>
/// <param name="LastHeartbeat">When it last beat (registration counts as a beat).</param>
public sealed record RunnerStatus(Runner Runner, RunnerState State, DateTimeOffset LastHeartbeat);
