namespace ExecutionSentinel.Detectors;

/// <summary>
/// What every detector's options have: whether it runs. Each built-in detector's options derive from this and bind from
/// <c>ExecutionSentinel:Detectors:&lt;Name&gt;</c> (such as <c>ExecutionSentinel:Detectors:Straggler:Enabled</c>); so do a
/// custom detector's, registered with <c>ISentinelBuilder.AddDetector&lt;TDetector, TOptions&gt;(name)</c>.
/// </summary>
public abstract class DetectorOptions
{
    /// <summary>
    /// Whether the detector is called. A disabled detector is left out of each watch that starts while it is disabled
    /// (a running watch keeps the detectors it started with). Key <c>Enabled</c>: <c>true</c> or <c>false</c>. Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
