namespace ExecutionSentinel.Detectors;

/// <summary>
/// The Progress detector's options, bound from <c>ExecutionSentinel:Detectors:Progress</c>. It reports progress counts (completed, failed, running) whenever they change.
/// </summary>
public sealed class ProgressDetectorOptions : DetectorOptions
{}
