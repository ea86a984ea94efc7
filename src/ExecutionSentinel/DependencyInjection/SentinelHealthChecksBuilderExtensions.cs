using ExecutionSentinel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the sentinel's health check to the host's health checks.</summary>
public static class SentinelHealthChecksBuilderExtensions
{
    /// <summary>The name the check is registered under by default.</summary>
    public const string DefaultName = "execution-sentinel";

    /// <summary>
    /// Adds <see cref="SentinelHealthCheck"/> as <see cref="DefaultName"/> (<c>execution-sentinel</c>): healthy while every
    /// running watch can observe its cluster, <see cref="HealthStatus.Degraded"/> while any has lost connectivity; no tags.
    /// Needs <c>services.AddExecutionSentinel()</c>.
    /// </summary>
    /// <param name="builder">The health checks' builder (<c>services.AddHealthChecks()</c>).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddExecutionSentinel(this IHealthChecksBuilder builder) =>
        AddExecutionSentinel(builder, DefaultName, failureStatus: null, tags: null, timeout: null);

    /// <summary>Adds <see cref="SentinelHealthCheck"/> under a name of the application's, as <c>AddCheck</c> would.</summary>
    /// <param name="builder">The health checks' builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">
    /// What is reported while a watch has lost connectivity (or if the check fails); <see langword="null"/>:
    /// <see cref="HealthStatus.Degraded"/>, the sentinel's default (a sentinel that cannot see does not make its host
    /// unhealthy by itself).
    /// </param>
    /// <param name="tags">Tags to filter checks by (e.g. in <c>MapHealthChecks</c>' predicate); <see langword="null"/>: none.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddExecutionSentinel(this IHealthChecksBuilder builder, string name, HealthStatus? failureStatus, IEnumerable<string>? tags) =>
        AddExecutionSentinel(builder, name, failureStatus, tags, timeout: null);

    /// <summary>Adds <see cref="SentinelHealthCheck"/> under a name of the application's, with a timeout, as <c>AddCheck</c> would.</summary>
    /// <param name="builder">The health checks' builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">What is reported while a watch has lost connectivity; <see langword="null"/>: <see cref="HealthStatus.Degraded"/>.</param>
    /// <param name="tags">Tags to filter checks by; <see langword="null"/>: none.</param>
    /// <param name="timeout">How long the check may take; <see langword="null"/>: no limit (it reads memory only).</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddExecutionSentinel(
        this IHealthChecksBuilder builder, string name, HealthStatus? failureStatus, IEnumerable<string>? tags, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => sp.GetService<SentinelHealthCheck>()
                ?? throw new InvalidOperationException("The ExecutionSentinel health check needs the sentinel: call services.AddExecutionSentinel()."),
            failureStatus ?? HealthStatus.Degraded,
            tags,
            timeout));
    }
}
