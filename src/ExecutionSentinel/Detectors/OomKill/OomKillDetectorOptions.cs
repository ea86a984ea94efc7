namespace ExecutionSentinel.Detectors;

/// <summary>
/// The OomKill detector's options, bound from <c>ExecutionSentinel:Detectors:OomKill</c>. It reports OOM-killed attempts and the OOM risk of other tasks of their type.
/// </summary>
public sealed class OomKillDetectorOptions : DetectorOptions
{}
