using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the PendingTooLong detector and its options (section <c>Detectors:PendingTooLong</c>).</summary>
internal static class PendingTooLongDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "PendingTooLong";

    public static SentinelBuilder AddPendingTooLongDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<PendingTooLongDetector, PendingTooLongDetectorOptions, PendingTooLongDetectorOptionsValidator>(Name);
}
