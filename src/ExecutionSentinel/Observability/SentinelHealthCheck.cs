using ExecutionSentinel.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExecutionSentinel;

/// <summary>
/// Healthy while every running watch can observe its cluster; the registration's failure status (degraded by default)
/// while any has lost connectivity (as many failed observations in a row as
/// <see cref="SentinelOptions.ConnectivityFailureThreshold"/>). Register it with
/// <c>services.AddHealthChecks().AddExecutionSentinel()</c>.
/// </summary>
/// <remarks>Public because hosts may register it with their health checks themselves.</remarks>
public sealed class SentinelHealthCheck : IHealthCheck
{
    private readonly SentinelHealth _health;

    internal SentinelHealthCheck(SentinelHealth health) => _health = health;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var watches = _health.Snapshot();
        var lost = watches.Where(w => w.ConnectivityLost).ToList();
        var data = new Dictionary<string, object> { ["watches"] = watches.Count, ["connectivityLost"] = lost.Count };
        // As Microsoft's checks do, a failure is reported with the registration's failure status; without a registration
        // (the check called directly), degraded: a sentinel that cannot see does not make its host unhealthy by itself.
        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Degraded;
        return Task.FromResult(lost.Count == 0
            ? HealthCheckResult.Healthy($"{watches.Count} watch(es) observing.", data)
            : new HealthCheckResult(
                failure,
                $"{lost.Count} of {watches.Count} watch(es) cannot observe the cluster: " + string.Join("; ", lost.Select(w => $"namespace '{w.Namespace}': {w.LastError}")),
                data: data));
    }
}
