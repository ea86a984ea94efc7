namespace ExecutionSentinel.Detectors;

/// <summary>
/// The TaskLost detector's options, bound from <c>ExecutionSentinel:Detectors:TaskLost</c>. It reports running tasks that vanish from the cluster.
/// </summary>
public sealed class TaskLostDetectorOptions : DetectorOptions
{}
