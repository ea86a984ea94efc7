namespace Conductor;

/// <summary>The sample conductor's own settings, from the <c>Conductor</c> section.</summary>
public sealed class ConductorOptions
{
    /// <summary>
    /// Replay this bundled real trace on a simulated cluster instead of watching Kubernetes (the default, so the sample
    /// runs anywhere); empty to watch the workflow described by <see cref="ContextFile"/> on the cluster.
    /// </summary>
    public string SimulatedTrace { get; set; } = "1000genome-chameleon-2ch-100k-001";

    /// <summary>How many times faster than real time the simulation runs. Default 60.</summary>
    public double SimulationSpeed { get; set; } = 60;

    /// <summary>A MonitoringContext as JSON (namespace, engine pod, inventory), for a real cluster.</summary>
    public string? ContextFile { get; set; }
}
