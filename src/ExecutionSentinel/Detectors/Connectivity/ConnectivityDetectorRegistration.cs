using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the Connectivity detector and its options (section <c>Detectors:Connectivity</c>).</summary>
internal static class ConnectivityDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "Connectivity";

    public static SentinelBuilder AddConnectivityDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<ConnectivityDetector, ConnectivityDetectorOptions>(Name);
}
