using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Watchdog;

/// <summary>Registers the Stall detector and its options (section <c>Detectors:Stall</c>).</summary>
internal static class StallDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Stall";

    public static SentinelBuilder AddStallDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<StallDetector, StallDetectorOptions, StallDetectorOptionsValidator>(Name);
}
