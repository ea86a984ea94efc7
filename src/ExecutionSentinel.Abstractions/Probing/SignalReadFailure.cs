namespace ExecutionSentinel.Probing;

/// <summary>
/// Why the engine's completion signal could not be read (the engine container does not exist, exec is forbidden, the
/// call failed): unlike a signal that is simply not there yet, this means the sentinel cannot tell whether the engine
/// has finished.
/// </summary>
/// <remarks>Public because detectors read it and custom probes report it.</remarks>
public sealed class SignalReadFailure
{
    /// <summary>Makes one.</summary>
    /// <param name="reason">What went wrong, in one sentence.</param>
    /// <param name="accessDenied">The refusal, when the cluster refused the read for lack of permission.</param>
    public SignalReadFailure(string reason, AccessDenial? accessDenied = null)
    {
        Reason = reason;
        AccessDenied = accessDenied;
    }

    /// <summary>What went wrong, in one sentence.</summary>
    public string Reason { get; }

    /// <summary>The refusal, when the cluster refused the read for lack of permission.</summary>
    public AccessDenial? AccessDenied { get; }
}
