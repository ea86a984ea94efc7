namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Leader election among conductor replicas on a Kubernetes Lease (<c>UseLeaderElection</c>). The same Lease keeps the
/// record of the hourly intervention limit (an annotation), so the limit holds across restarts and leader changes.
/// </summary>
/// <remarks>Public because applications configure it through <c>UseLeaderElection</c>.</remarks>
public sealed class LeaderElectionOptions
{
    /// <summary>The Lease's default name.</summary>
    public const string DefaultLeaseName = "execution-sentinel-watchdog";

    /// <summary>The namespace of the Lease: usually the conductor's own. Required.</summary>
    public string Namespace { get; set; } = "";

    /// <summary>The Lease's name. Default <see cref="DefaultLeaseName"/>.</summary>
    public string LeaseName { get; set; } = DefaultLeaseName;

    /// <summary>This replica's identity in the Lease: unique among replicas. Default the host name (the pod's name).</summary>
    public string Identity { get; set; } = Environment.MachineName;

    /// <summary>How long a lease not renewed stays with its holder before another replica may take it. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up leading; also the fence of every write. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the lease is renewed, or tried for. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Every problem of these options, each named by its key; empty when they are valid.</summary>
    internal IReadOnlyList<string> Problems()
    {
        var failures = new OptionFailures("LeaderElection");
        if (!KubernetesNames.IsNamespace(Namespace))
        {
            failures.Add(nameof(Namespace), "must be a Kubernetes namespace name (DNS-1123 label)", "'" + KubernetesNames.Shown(Namespace) + "'");
        }

        if (!KubernetesNames.IsObjectName(LeaseName))
        {
            failures.Add(nameof(LeaseName), "must be a Kubernetes object name (DNS-1123 subdomain)", "'" + KubernetesNames.Shown(LeaseName) + "'");
        }

        if (string.IsNullOrWhiteSpace(Identity) || Identity.Length > 253 || Identity.Any(char.IsControl))
        {
            failures.Add(nameof(Identity), "must be 1 to 253 printable characters", "'" + KubernetesNames.Shown(Identity) + "'");
        }

        failures.RequireBetween(RetryPeriod, nameof(RetryPeriod), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5));
        if (!(RetryPeriod < RenewDeadline && RenewDeadline < LeaseDuration))
        {
            failures.Add(nameof(RenewDeadline), $"must be longer than {nameof(RetryPeriod)} ({OptionFailures.Show(RetryPeriod)}) and shorter than {nameof(LeaseDuration)} ({OptionFailures.Show(LeaseDuration)})", RenewDeadline);
        }

        failures.RequirePositive(LeaseDuration, nameof(LeaseDuration), TimeSpan.FromHours(1));
        return failures;
    }
}
