namespace ExecutionSentinel.Detectors;

/// <summary>
/// The Phase detector's options, bound from <c>ExecutionSentinel:Detectors:Phase</c>. It reports a task type's first running task and the end of the type.
/// </summary>
public sealed class PhaseDetectorOptions : DetectorOptions
{}
