namespace ExecutionSentinel.Watchdog;

/// <summary>
/// The Consistency detector's options, bound from <c>ExecutionSentinel:Detectors:Consistency</c>. It reports disagreements between the cluster and the context: the engine pod gone, tasks or types missing after a resume.
/// </summary>
public sealed class ConsistencyDetectorOptions : ExecutionSentinel.Detectors.DetectorOptions
{}
