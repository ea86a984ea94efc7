using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Watchdog;

/// <summary>Registers the Hang detector and its options (section <c>Detectors:Hang</c>).</summary>
internal static class HangDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Hang";

    public static SentinelBuilder AddHangDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<HangDetector, HangDetectorOptions, HangDetectorOptionsValidator>(Name);
}
