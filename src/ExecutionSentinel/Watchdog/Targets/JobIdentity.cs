using ExecutionSentinel.Probing;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// A Job exactly as a watch observed it: the namespace of the watch's context, the Job's name and its uid. The only kind
/// of target an intervention has; never a name re-read from a response or taken from the application's ledger.
/// </summary>
internal sealed record JobIdentity(string Namespace, string Name, string Uid)
{
    public override string ToString() => $"Job '{Name}' (uid {Uid}) in namespace '{Namespace}'";
}

/// <summary>One of a workflow's Jobs as its watch last saw it.</summary>
/// <param name="Identity">Which object it is.</param>
/// <param name="TaskName">The inventory task it runs.</param>
/// <param name="Phase">Its task's phase in the watch's last observation.</param>
/// <param name="IsTerminating">Whether it was being deleted.</param>
/// <param name="SeenAt">When the watch last saw it.</param>
internal sealed record ObservedJob(JobIdentity Identity, string TaskName, TaskPhase Phase, bool IsTerminating, DateTimeOffset SeenAt)
{
    /// <summary>Whether the Job is still running: active (its pod running or still to start), not finished, not being deleted.</summary>
    public bool IsRunning => Phase is TaskPhase.Pending or TaskPhase.Running && !IsTerminating;
}

/// <summary>What an intervention may act on, or why it may act on nothing.</summary>
/// <param name="Jobs">The observed, running Jobs to act on.</param>
/// <param name="Refusal">Why there is nothing to act on, when there is not.</param>
internal sealed record Resolution(IReadOnlyList<ObservedJob> Jobs, InterventionOutcome? Refusal)
{
    public static Resolution Refused(InterventionOutcome refusal) => new([], refusal);

    public static Resolution Of(ObservedJob job) => new([job], null);
}
