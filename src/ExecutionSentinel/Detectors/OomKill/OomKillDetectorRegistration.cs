using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Detectors;

/// <summary>Registers the OomKill detector and its options (section <c>Detectors:OomKill</c>).</summary>
internal static class OomKillDetectorRegistration
{
    /// <summary>The detector's configuration section under <c>Detectors</c>.</summary>
    public const string Name = "OomKill";

    public static SentinelBuilder AddOomKillDetector(this SentinelBuilder builder) =>
        builder.AddBuiltIn<OomKillDetector, OomKillDetectorOptions>(Name);
}
