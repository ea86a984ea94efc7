namespace ExecutionSentinel.Watchdog;

/// <summary>
/// A cluster that is not reached through <c>IKubernetes</c> but answers the watchdog itself: the simulated cluster of
/// ExecutionSentinel.Testing. Registered together with the probe that observes it (<c>UseSimulatedCluster</c>) and removed
/// whenever another probe is chosen, so the watchdog always acts on the cluster its watches observe. When one is
/// registered, <c>AddWatchdog()</c> makes its actuator (the same <see cref="JobActuator"/>, with its checks), its view of
/// executions and its hourly record from it; no Kubernetes client is ever resolved.
/// </summary>
internal interface IWatchdogCluster
{
    /// <summary>The two Job calls the actuator makes (read, and delete with uid and resource-version preconditions).</summary>
    IJobApi Jobs { get; }

    /// <summary>The reconciler's view of an execution.</summary>
    IExecutionCluster Executions { get; }

    /// <summary>
    /// Where the hourly limit is recorded: in the cluster itself, as the Lease's annotation is on a real one, so it lasts
    /// exactly as long as the cluster whose deletions it counts.
    /// </summary>
    IInterventionRecord InterventionRecord { get; }
}
