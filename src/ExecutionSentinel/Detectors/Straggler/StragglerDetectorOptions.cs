namespace ExecutionSentinel.Detectors;

/// <summary>
/// The Straggler detector's options, bound from <c>ExecutionSentinel:Detectors:Straggler</c>. A running task is reported
/// once per attempt when it has run longer than <see cref="Multiplier"/> × its expected duration plus <see cref="MinimumExcess"/>.
/// </summary>
public sealed class StragglerDetectorOptions : DetectorOptions
{
    /// <summary>Key <c>Multiplier</c>: a number from 1 to 1000 (such as <c>4.5</c>). A task is a straggler past this multiple of its expected duration. Default 3.</summary>
    public double Multiplier { get; set; } = 3.0;

    /// <summary>
    /// Key <c>MinimumExcess</c>: a duration "hh:mm:ss" from 0 to 1 day (<c>"00:01:00"</c> = 60 s). A straggler must also be
    /// this far past <see cref="Multiplier"/> × expected, so that sub-second tasks that take a few seconds (normal in
    /// heavy-tailed real runs) do not fire. Default 60 s.
    /// </summary>
    public TimeSpan MinimumExcess { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Key <c>MinimumSamples</c>: a whole number from 1 to 100000. For a task with no expected duration, the median runtime of
    /// finished tasks of its type is used once this many have finished. Default 3.
    /// </summary>
    public int MinimumSamples { get; set; } = 3;
}
