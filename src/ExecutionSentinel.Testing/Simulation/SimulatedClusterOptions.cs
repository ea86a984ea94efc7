namespace ExecutionSentinel.Testing;

/// <summary>How a <see cref="SimulatedCluster"/> runs its trace.</summary>
/// <remarks>Public because tests configure the replay with it.</remarks>
public sealed class SimulatedClusterOptions
{
    /// <summary>How many tasks run at once. Default 8.</summary>
    public int ParallelSlots { get; set; } = 8;

    /// <summary>How long a pod stays Pending before it runs (scheduling, image pull). Default 2 s.</summary>
    public TimeSpan PodStartupDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the Job controller waits before it retries a failed attempt. Default 10 s (Kubernetes' first back-off).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When set, a finished task's objects are deleted this long after it finished, as HyperFlow's
    /// <c>ttlSecondsAfterFinished: 100</c> does. Default: never deleted.
    /// </summary>
    public TimeSpan? DeleteFinishedAfter { get; set; }

    /// <summary>How long after the last task finishes the engine writes its signal. Default 5 s.</summary>
    public TimeSpan EngineSignalDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The exit code the engine signals; default: 0 when every task succeeded, else 1.</summary>
    public int? EngineExitCode { get; set; }

    /// <summary>Whether the engine signals at all. Default true; a hung or vanished task also keeps it from signalling.</summary>
    public bool EngineSignals { get; set; } = true;

    /// <summary>The faults to inject.</summary>
    public IList<SimulatedFault> Faults { get; } = new List<SimulatedFault>();

    /// <summary>
    /// How long a deleted Job's running pod is still seen, terminating, before it goes: the pod's
    /// <c>terminationGracePeriodSeconds</c>, 30 s by default as on Kubernetes (HyperFlow's template sets none).
    /// </summary>
    public TimeSpan TerminationGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many simulated nodes tasks are spread over (for node names). Default 4.</summary>
    public int Nodes { get; set; } = 4;

    /// <summary>
    /// Whether a watch's session tells the sentinel of each change as it happens (a task created, started, ended or
    /// deleted), as a Kubernetes watch does, so that the loop ticks at the change (after its debounce) instead of at the
    /// next poll. Default false: the simulated cluster is then polled, as before.
    /// </summary>
    public bool SignalChanges { get; set; }
}
