namespace ExecutionSentinel.Probing;

/// <summary>
/// Why the engine's completion signal could not be read (the engine container does not exist, exec is forbidden, the
/// call failed): unlike a signal that is simply not there yet, this means the sentinel cannot tell whether the engine
/// has finished.
/// </summary>
/// <param name="Reason">What went wrong, in one sentence.</param>
/// <param name="AccessDenied">The refusal, when the cluster refused the read for lack of permission.</param>
public sealed record SignalReadFailure(string Reason, AccessDenial? AccessDenied = null);
