using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the Progress detector and its options (section <c>Detectors:Progress</c>).</summary>
internal static class ProgressDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Progress";

    public static SentinelBuilder AddProgressDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<ProgressDetector, ProgressDetectorOptions>(Name);
}
