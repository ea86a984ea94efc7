using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the MassFailure detector and its options (section <c>Detectors:MassFailure</c>).</summary>
internal static class MassFailureDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "MassFailure";

    public static SentinelBuilder AddMassFailureDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<MassFailureDetector, MassFailureDetectorOptions, MassFailureDetectorOptionsValidator>(Name);
}
