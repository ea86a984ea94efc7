namespace ExecutionSentinel.Watchdog;

/// <summary>A runner the conductor registers: something that executes a task and sends heartbeats.</summary>
/// <remarks>Public because applications register their runners with <see cref="HeartbeatMonitor"/>.</remarks>
public sealed class Runner
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
/// <remarks>Public because <see cref="HeartbeatOptions.OnTimeout"/> and <see cref="HeartbeatMonitor"/> hand it to applications.</remarks>
public sealed class RunnerStatus
{
    internal RunnerStatus(Runner runner, RunnerState state, DateTimeOffset lastHeartbeat)
    {
        Runner = runner;
        State = state;
        LastHeartbeat = lastHeartbeat;
    }

    /// <summary>The runner.</summary>
    public Runner Runner { get; }

    /// <summary>Its state.</summary>
    public RunnerState State { get; }

    /// <summary>When it last beat (registration counts as a beat).</summary>
    public DateTimeOffset LastHeartbeat { get; }

    internal RunnerStatus With(RunnerState? state = null, DateTimeOffset? lastHeartbeat = null) =>
        new(Runner, state ?? State, lastHeartbeat ?? LastHeartbeat);
}
