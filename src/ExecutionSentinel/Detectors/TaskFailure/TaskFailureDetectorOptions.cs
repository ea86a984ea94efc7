namespace ExecutionSentinel.Detectors;

/// <summary>
/// The TaskFailure detector's options, bound from <c>ExecutionSentinel:Detectors:TaskFailure</c>. It reports failed tasks and evicted attempts.
/// </summary>
public sealed class TaskFailureDetectorOptions : DetectorOptions
{}
