namespace ExecutionSentinel.Detection;

/// <summary>Whether this tick's observation of the cluster worked.</summary>
/// <param name="Succeeded">Whether the probe answered this tick.</param>
/// <param name="ConsecutiveFailures">How many ticks in a row have failed, 0 after a success.</param>
/// <param name="LastError">The last failure's message, when this tick failed.</param>
public readonly record struct ObservationStatus(bool Succeeded, int ConsecutiveFailures, string? LastError)
{
    /// <summary>The refusal, when this tick failed because the cluster denied access (not a connectivity problem).</summary>
    public ExecutionSentinel.Probing.AccessDenial? AccessDenied { get; init; }
}
