using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Watchdog;

/// <summary>Registers the Consistency detector and its options (section <c>Detectors:Consistency</c>).</summary>
internal static class ConsistencyDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Consistency";

    public static SentinelBuilder AddConsistencyDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<ConsistencyDetector, ConsistencyDetectorOptions>(Name);
}
