using System.Globalization;
using System.Text.Json.Nodes;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;

namespace ExecutionSentinel.Benchmarks.ManyWorkflows;

/// <summary>
/// What the driving process and the watching process of <c>--workflows</c> agree on without talking: the trace (the
/// 52-task 1000genome run of data/traces, its runtimes divided by the speed-up), the namespaces and the engine pod's name.
/// </summary>
internal static class ManyWorkflowsPlan
{
    /// <summary>The engine pod <see cref="HyperFlowClusterDriver"/> creates in each namespace.</summary>
    public static readonly string EnginePod = "hyperflow-engine-7d9f8b6c5-" + HyperFlowObjects.Suffix(42, 5);

    public static string Namespace(int index) => string.Create(CultureInfo.InvariantCulture, $"wf-{index:D4}");

    /// <summary>
    /// The real trace with each task's runtime divided by <paramref name="speed"/>: the same DAG, task types and relative
    /// durations, replayed in real time (real timestamps, real poll) in a fraction of its 776 s.
    /// </summary>
    public static WorkflowTrace Trace(double speed)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "traces", WorkflowTrace.DefaultBundledName + ".json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var task in json["tasks"]!.AsArray())
        {
            task!["runtimeSeconds"] = task["runtimeSeconds"]!.GetValue<double>() / speed;
        }

        json["makespanSeconds"] = json["makespanSeconds"]!.GetValue<double>() / speed;
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        return WorkflowTrace.Parse(stream, WorkflowTrace.DefaultBundledName);
    }

    /// <summary>The context a conductor hands over for workflow <paramref name="index"/>.</summary>
    public static MonitoringContext Context(WorkflowTrace trace, int index) =>
        trace.ToMonitoringContext(Namespace(index), EnginePod);
}
