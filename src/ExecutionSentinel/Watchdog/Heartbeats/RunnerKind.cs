namespace ExecutionSentinel.Watchdog;

/// <summary>Where a runner runs.</summary>
/// <remarks>Public because applications describe their runners with it.</remarks>
public enum RunnerKind
{
    /// <summary>A local process (identified by its process id).</summary>
    LocalProcess = 0,

    /// <summary>A container (identified by its container id).</summary>
    Container = 1,

    /// <summary>A Kubernetes Job (identified by its Job name).</summary>
    KubernetesJob = 2,
}
