using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the Straggler detector and its options (section <c>Detectors:Straggler</c>).</summary>
internal static class StragglerDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Straggler";

    public static SentinelBuilder AddStragglerDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<StragglerDetector, StragglerDetectorOptions, StragglerDetectorOptionsValidator>(Name);
}
