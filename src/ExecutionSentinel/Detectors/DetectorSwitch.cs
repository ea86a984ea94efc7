using ExecutionSentinel.Detection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>
/// Says whether the detectors of one type are enabled. Kept apart from the detectors so that a detector needs no
/// interface of ours to be turned off (built-in ones use only public API), and so that removing a detector still works.
/// </summary>
internal interface IDetectorSwitch
{
    /// <summary>The type of the detectors this switch turns on and off.</summary>
    Type DetectorType { get; }

    /// <summary>Whether they run; reading it validates the options (a bad value fails the watch at its start).</summary>
    bool Enabled { get; }
}

/// <summary>The switch of <typeparamref name="TDetector"/>: its options' <see cref="DetectorOptions.Enabled"/>.</summary>
internal sealed class DetectorSwitch<TDetector, TOptions>(IOptionsMonitor<TOptions> options) : IDetectorSwitch
    where TDetector : class, IAnomalyDetector
    where TOptions : DetectorOptions
{
    public Type DetectorType => typeof(TDetector);

    public bool Enabled => options.CurrentValue.Enabled;
}
