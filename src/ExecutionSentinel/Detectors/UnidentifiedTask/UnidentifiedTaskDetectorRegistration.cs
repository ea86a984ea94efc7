using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the UnidentifiedTask detector and its options (section <c>Detectors:UnidentifiedTask</c>).</summary>
internal static class UnidentifiedTaskDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "UnidentifiedTask";

    public static SentinelBuilder AddUnidentifiedTaskDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<UnidentifiedTaskDetector, UnidentifiedTaskDetectorOptions>(Name);
}
