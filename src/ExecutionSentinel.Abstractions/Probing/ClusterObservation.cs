namespace ExecutionSentinel.Probing;

/// <summary>What a probe saw of one workflow at one moment.</summary>
/// <remarks>Public because custom probes (<see cref="IClusterProbeSession"/>) return it.</remarks>
public sealed class ClusterObservation
{
    /// <summary>
    /// The tasks whose objects exist now. A task missing here that was seen before is treated as gone:
    /// finished tasks stay counted, running ones are reported lost.
    /// </summary>
    public required IReadOnlyCollection<TaskObservation> Tasks { get; init; }

    /// <summary>The engine's completion signal, or <see langword="null"/> while the engine has not signalled.</summary>
    public EngineSignal? EngineSignal { get; init; }

    /// <summary>Whether the engine's pod exists: <see langword="false"/> when the cluster says it is gone, <see langword="null"/> when not checked.</summary>
    public bool? EnginePodPresent { get; init; }

    /// <summary>
    /// Why the engine's signal could not be read this time, or <see langword="null"/> when it was read (or is simply not
    /// there yet). While it cannot be read, the sentinel never concludes that the workflow stalled.
    /// </summary>
    public SignalReadFailure? SignalReadFailure { get; init; }
}
