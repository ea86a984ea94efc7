using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the ContainerTrouble detector and its options (section <c>Detectors:ContainerTrouble</c>).</summary>
internal static class ContainerTroubleDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "ContainerTrouble";

    public static SentinelBuilder AddContainerTroubleDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<ContainerTroubleDetector, ContainerTroubleDetectorOptions>(Name);
}
