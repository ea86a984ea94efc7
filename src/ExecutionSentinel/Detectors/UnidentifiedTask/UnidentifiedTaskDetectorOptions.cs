namespace ExecutionSentinel.Detectors;

/// <summary>
/// The UnidentifiedTask detector's options, bound from <c>ExecutionSentinel:Detectors:UnidentifiedTask</c>. It reports task Jobs whose HyperFlow task id cannot be read.
/// </summary>
public sealed class UnidentifiedTaskDetectorOptions : DetectorOptions
{}
