namespace ExecutionSentinel.Kubernetes;

/// <summary>How the Kubernetes probe learns about changes.</summary>
/// <remarks>Public because applications configure it.</remarks>
public enum KubernetesProbeMode
{
    /// <summary>List once, then watch: every change arrives within a second, at a cost independent of the number of tasks per tick.</summary>
    Watch = 0,

    /// <summary>List every tick: for clusters whose RBAC forbids <c>watch</c>. Misses states shorter than a tick.</summary>
    Poll = 1,
}
