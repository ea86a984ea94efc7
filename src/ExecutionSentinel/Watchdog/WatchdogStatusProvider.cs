using ExecutionSentinel.Observability;

namespace ExecutionSentinel.Watchdog;

/// <summary>The watchdog's status on demand: resolve it from the service collection after <c>AddWatchdog()</c> and call <see cref="GetStatus"/>.</summary>
/// <remarks>Public because applications resolve it to read the watchdog's status and to resume it after a systemic failure.</remarks>
public sealed class WatchdogStatusProvider
{
    private readonly InterventionGate _gate;
    private readonly SentinelHealth _health;

    internal WatchdogStatusProvider(InterventionGate gate, SentinelHealth health)
    {
        _gate = gate;
        _health = health;
    }

    /// <summary>Watches running, hangs detected, interventions done and refused, the last intervention, recent findings.</summary>
    /// <returns>The status now.</returns>
    public WatchdogStatus GetStatus() => _gate.Status(_health.Snapshot().Count);

    /// <summary>
    /// Lets the watchdog act again after a systemic failure suspended it (<see cref="WatchdogStatus.Suspended"/>): an
    /// operator's decision, never taken by the library itself.
    /// </summary>
    public void ResumeInterventions() => _gate.Resume();
}
