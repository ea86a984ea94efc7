namespace ExecutionSentinel.Detectors;

/// <summary>
/// The MassFailure detector's options, bound from <c>ExecutionSentinel:Detectors:MassFailure</c>. Mass failure is reported
/// once per watch when failed ÷ total tasks rises above <see cref="Threshold"/>.
/// </summary>
public sealed class MassFailureDetectorOptions : DetectorOptions
{
    /// <summary>Key <c>Threshold</c>: a ratio above 0 and at most 1 (<c>0.3</c> = 30 % of the tasks failed). Default 0.3.</summary>
    public double Threshold { get; set; } = 0.3;

    /// <summary>
    /// Key <c>StopWatch</c>: <c>true</c> or <c>false</c>. Whether a mass failure ends the watch (as failed) instead of waiting
    /// for the engine: the report then ends the watch (<see cref="SentinelReport.EndsWatch"/>). Default false.
    /// </summary>
    public bool StopWatch { get; set; }
}
