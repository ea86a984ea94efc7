namespace ExecutionSentinel.Detectors;

/// <summary>
/// The Connectivity detector's options, bound from <c>ExecutionSentinel:Detectors:Connectivity</c>. It reports the cluster lost after <c>ExecutionSentinel:ConnectivityFailureThreshold</c> failed observations in a row, and found again.
/// </summary>
public sealed class ConnectivityDetectorOptions : DetectorOptions
{}
