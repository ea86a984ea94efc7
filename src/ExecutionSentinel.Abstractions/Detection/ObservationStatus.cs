namespace ExecutionSentinel.Detection;

/// <summary>Whether this tick's observation of the cluster worked.</summary>
/// <remarks>Public because detectors read it from <see cref="DetectionContext.Observation"/>.</remarks>
public readonly struct ObservationStatus
{
    internal ObservationStatus(bool succeeded, int consecutiveFailures, string? lastError)
    {
        Succeeded = succeeded;
        ConsecutiveFailures = consecutiveFailures;
        LastError = lastError;
    }

    /// <summary>Whether the probe answered this tick.</summary>
    public bool Succeeded { get; }

    /// <summary>How many ticks in a row have failed, 0 after a success.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>The last failure's message, when this tick failed.</summary>
    public string? LastError { get; }

    /// <summary>The refusal, when this tick failed because the cluster denied access (not a connectivity problem).</summary>
    public ExecutionSentinel.Probing.AccessDenial? AccessDenied { get; internal init; }
}
