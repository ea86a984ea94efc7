using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the Phase detector and its options (section <c>Detectors:Phase</c>).</summary>
internal static class PhaseDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Phase";

    public static SentinelBuilder AddPhaseDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<PhaseDetector, PhaseDetectorOptions>(Name);
}
