using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Checks that the cluster and the context agree: the engine pod exists (whenever the probe says it is gone, once per
/// episode); and, on a watch resumed after a crash, at its first observation, that no task on the cluster is missing from
/// the inventory and that no inventory type was skipped (never seen while later types were).
/// </summary>
internal sealed class ConsistencyDetector : IAnomalyDetector
{
    /// <inheritdoc />
    public string Name => "consistency";

    /// <inheritdoc />
    public IEnumerable<SentinelReport> Detect(DetectionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.GetState<State>();
        if (!context.Observation.Succeeded)
        {
            return [];
        }

        var reports = new List<SentinelReport>();
        if (context.EnginePodPresent == false && context.Episodes.Begin("engine-pod-gone"))
        {
            reports.Add(Finding(context, ReportSeverity.Critical, "engine-pod-gone",
                $"The engine pod '{context.Context.EnginePodName}' is gone from namespace '{context.Context.Namespace}': the workflow can no longer complete or signal."));
        }
        else if (context.EnginePodPresent == true)
        {
            context.Episodes.End("engine-pod-gone");
        }

        if (context.ResumedFrom is null || state.ResumeChecked)
        {
            return reports;
        }

        state.ResumeChecked = true;
        var outside = context.Tasks.Values.Where(t => context.Workflow.FindSpec(t.Name) is null).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        if (outside.Count > 0)
        {
            reports.Add(Finding(context, ReportSeverity.Warning, "tasks-outside-inventory",
                $"{outside.Count} task(s) on the cluster are not in the inventory: {ReportText.List(outside, 5)}."));
        }

        var seenTypes = context.Tasks.Values.Select(t => t.TaskType).ToHashSet(StringComparer.Ordinal);
        var latestSeen = seenTypes.Select(context.Workflow.OrderOf).DefaultIfEmpty(int.MinValue).Max();
        var skipped = context.Workflow.TaskTypes.Where(t => !seenTypes.Contains(t) && context.Workflow.OrderOf(t) < latestSeen).ToList();
        if (skipped.Count > 0)
        {
            reports.Add(Finding(context, ReportSeverity.Warning, "types-never-seen",
                $"Inventory type(s) {ReportText.List(skipped, 5)} were never seen on the cluster, though later types were: their tasks were deleted while the watch was down, or never ran."));
        }

        return reports;
    }

    private static SentinelReport Finding(DetectionContext context, ReportSeverity severity, string finding, string message) =>
        context.Report(WatchdogReportKinds.ConsistencyFinding, severity, message, details: new Dictionary<string, string> { ["finding"] = finding }, identity: finding);

    private sealed class State
    {
        public bool ResumeChecked { get; set; }
    }
}
