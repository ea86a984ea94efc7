namespace ExecutionSentinel.Detection;

/// <summary>
/// The plug-in point: looks at what changed in a watched workflow and raises reports.
/// </summary>
/// <remarks>Public because applications implement it to add detectors. 
/// One instance serves every watch, so keep no per-watch fields: keep per-watch state in
/// <see cref="DetectionContext.GetState{TState}"/>. Within one watch, calls never overlap.
/// An exception is caught by the sentinel, reported as <see cref="ReportKind.DetectorFault"/>, and the watch goes on.
/// </remarks>
public interface IAnomalyDetector
{
    /// <summary>A short, stable name, shown as the <see cref="SentinelReport.Source"/> of the detector's reports.</summary>
    string Name { get; }

    /// <summary>Inspects one tick of a watch.</summary>
    /// <param name="context">What changed, the current state, the time and the watch's context.</param>
    /// <returns>The reports to raise this tick (often none).</returns>
    IEnumerable<SentinelReport> Detect(DetectionContext context);
}
