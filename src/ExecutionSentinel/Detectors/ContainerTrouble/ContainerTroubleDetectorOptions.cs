namespace ExecutionSentinel.Detectors;

/// <summary>
/// The ContainerTrouble detector's options, bound from <c>ExecutionSentinel:Detectors:ContainerTrouble</c>. It reports waiting reasons that will not fix themselves (image pull errors, crash loops…) and Job failure targets.
/// </summary>
public sealed class ContainerTroubleDetectorOptions : DetectorOptions
{}
