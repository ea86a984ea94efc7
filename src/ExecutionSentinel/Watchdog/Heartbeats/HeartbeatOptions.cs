namespace ExecutionSentinel.Watchdog;

/// <summary>How the heartbeat monitor decides that a runner is gone.</summary>
/// <remarks>Public because applications configure it.</remarks>
public sealed class HeartbeatOptions
{
    /// <summary>A running runner with no beat for strictly longer than this is marked failed. Default 60 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Called once for each runner that timed out, after it was marked failed. A handler that throws is logged and isolated:
    /// the runner stays failed and the other handlers still run.
    /// </summary>
    public Func<RunnerStatus, CancellationToken, ValueTask>? OnTimeout { get; set; }
}
