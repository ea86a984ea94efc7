using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Testing;

public sealed class WorkflowTraceTests
{
    private static readonly string FlowBench = Path.Combine(AppContext.BaseDirectory, "data", "flowbench");

    [Fact]
    public void A_trace_is_built_from_code_with_types_runtimes_offsets_and_its_DAG()
    {
        var trace = WorkflowTrace.Create("mine",
        [
            new TraceTask("split", "split", TimeSpan.FromSeconds(4), startOffset: TimeSpan.Zero),
            new TraceTask("work-1", "work", TimeSpan.FromSeconds(10), ["split"], startOffset: TimeSpan.FromSeconds(5)),
            new TraceTask("work-2", "work", TimeSpan.FromSeconds(12), ["split"], startOffset: TimeSpan.FromSeconds(6)),
            new TraceTask("merge", "merge", TimeSpan.FromSeconds(3), ["work-1", "work-2"], startOffset: TimeSpan.FromSeconds(20)),
        ]);

        Assert.Equal(["split", "work-1", "work-2", "merge"], trace.Tasks.Select(t => t.Name));
        Assert.Equal(TimeSpan.FromSeconds(23), trace.Makespan); // merge's start + its runtime
        var context = trace.ToMonitoringContext(expectedDurations: ExpectedDurationSource.None);
        Assert.Empty(context.Validate());
        Assert.Equal(["work"], context.DagStructure["merge"]);
        Assert.Equal(2, context.TaskInventory.Single(t => t.Name == "merge").DagOrder);
    }

    [Fact]
    public void Creating_a_trace_names_unknown_parents_duplicates_and_cycles()
    {
        var unknown = Assert.Throws<InvalidDataException>(() => WorkflowTrace.Create("t",
            [new TraceTask("a", "x", TimeSpan.FromSeconds(1), ["ghost"]), new TraceTask("a", "x", TimeSpan.FromSeconds(1))]));
        Assert.Contains("unknown parent 'ghost'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Duplicate task name 'a'", unknown.Message, StringComparison.Ordinal);

        var cycle = Assert.Throws<InvalidDataException>(() => WorkflowTrace.Create("t",
            [new TraceTask("a", "x", TimeSpan.FromSeconds(1), ["b"]), new TraceTask("b", "x", TimeSpan.FromSeconds(1), ["a"])]));
        Assert.Contains("cycle", cycle.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TraceTask("a", "x", TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void A_WfCommons_1_5_instance_loads_joining_specification_and_execution_by_id()
    {
        const string json = """
            {
              "name": "two-step", "schemaVersion": "1.5",
              "workflow": {
                "specification": { "tasks": [
                  { "name": "split", "id": "ID0000001", "parents": [], "children": ["ID0000002"] },
                  { "name": "analyze", "id": "ID0000002", "parents": ["ID0000001"], "children": [] } ] },
                "execution": { "makespanInSeconds": 14.2, "executedAt": "2026-08-04T15:20:00-08:00", "tasks": [
                  { "id": "ID0000001", "runtimeInSeconds": 4.2, "executedAt": "2026-08-04T15:20:00-08:00", "machines": ["node01"] },
                  { "id": "ID0000002", "runtimeInSeconds": 10.0, "executedAt": "2026-08-04T15:20:04-08:00", "memoryInBytes": 4194304 } ] }
              }
            }
            """;

        var trace = WorkflowTrace.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "file");

        Assert.Equal("two-step", trace.Application);
        Assert.Equal(TimeSpan.FromSeconds(14.2), trace.Makespan);
        var analyze = trace.Tasks[1];
        Assert.Equal(("ID0000002", "analyze", TimeSpan.FromSeconds(10)), (analyze.Name, analyze.Category, analyze.Runtime));
        Assert.Equal(["ID0000001"], analyze.Parents);
        Assert.Equal(TimeSpan.FromSeconds(4), analyze.StartOffset);
        Assert.Equal(4194304, analyze.MemoryBytes);
        Assert.Equal("node01", trace.Tasks[0].Machine);
    }

    [Fact]
    public void A_WfCommons_1_0_instance_with_jobs_loads_with_types_from_Pegasus_names()
    {
        // The layout of wfcommons/pegasus-instances' 1000genome-chameleon-2ch-100k-001.json (schema 1.0), cut to two jobs.
        const string json = """
            { "name": "1000genome-20200401T035039Z-0", "schemaVersion": "1.0",
              "workflow": { "makespan": 776.0, "jobs": [
                { "name": "individuals_ID0000001", "type": "compute", "runtime": 53.6, "parents": [], "machine": "pegasus-5" },
                { "name": "individuals_merge_ID0000011", "type": "compute", "runtime": 38.206, "parents": ["individuals_ID0000001"] } ] } }
            """;

        var trace = WorkflowTrace.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "file");

        Assert.Equal(["individuals", "individuals_merge"], trace.Tasks.Select(t => t.Category));
        Assert.Equal(TimeSpan.FromSeconds(776), trace.Makespan);
        Assert.Equal(TimeSpan.FromSeconds(38.206), trace.Tasks[1].Runtime);
        Assert.Null(trace.Tasks[1].StartOffset);
    }

    [Theory]
    [InlineData("montage.json")]
    [InlineData("predict_future_sales.json")]
    public void A_Pegasus_DAG_whose_types_sit_at_several_depths_gives_a_valid_context(string dagFile)
    {
        var trace = FlowBenchShape(dagFile);
        var types = trace.Tasks.ToDictionary(t => t.Name, t => t.Category, StringComparer.Ordinal);
        var typeEdges = trace.Tasks.SelectMany(t => t.Parents.Select(p => (Parent: types[p], Child: t.Category))).Where(e => e.Parent != e.Child).ToHashSet();
        Assert.Contains(typeEdges, e => typeEdges.Contains((e.Child, e.Parent))); // the trap: a naive type DAG has a cycle

        var context = trace.ToMonitoringContext(expectedDurations: ExpectedDurationSource.None);

        Assert.Empty(context.Validate());
        Assert.Equal(types.Values.Distinct().Count(), context.DagStructure.Count);
    }

    [Fact]
    public void SameRunTypeMedian_is_the_median_of_the_replayed_trace_itself_slow_tasks_included()
    {
        var trace = WorkflowTrace.Create("t",
        [
            new TraceTask("a", "x", TimeSpan.FromSeconds(10)),
            new TraceTask("b", "x", TimeSpan.FromSeconds(12)),
            new TraceTask("c", "x", TimeSpan.FromSeconds(100)),
            new TraceTask("d", "x", TimeSpan.FromSeconds(200)),
        ]);

        var context = trace.ToMonitoringContext(expectedDurations: ExpectedDurationSource.SameRunTypeMedian);

        Assert.All(context.TaskInventory, t => Assert.Equal(TimeSpan.FromSeconds(56), t.ExpectedDuration)); // (12 + 100) / 2
    }

    [Fact]
    public void The_simulator_replays_recorded_start_offsets_outside_its_slots_but_never_before_a_parent_ends()
    {
        var trace = WorkflowTrace.Create("t",
        [
            new TraceTask("a", "x", TimeSpan.FromSeconds(30), startOffset: TimeSpan.FromSeconds(7)),
            new TraceTask("b", "x", TimeSpan.FromSeconds(30), startOffset: TimeSpan.FromSeconds(8)),
            new TraceTask("c", "y", TimeSpan.FromSeconds(5), ["a"], startOffset: TimeSpan.FromSeconds(40)),
            new TraceTask("d", "y", TimeSpan.FromSeconds(5), ["b"], startOffset: TimeSpan.FromSeconds(40)),
        ]);
        var options = new SimulatedClusterOptions { ParallelSlots = 1 };
        options.Faults.Add(SimulatedFault.Straggle("b", 2)); // b now ends at 8 + 60 s
        var cluster = new SimulatedCluster(trace, new FakeTimeProvider(), options);

        var started = cluster.Timelines.ToDictionary(t => t.Key, t => t.Value.StartedAt - cluster.StartedAt);

        Assert.Equal(TimeSpan.FromSeconds(7), started["a"]);
        Assert.Equal(TimeSpan.FromSeconds(8), started["b"]); // one slot, yet both run: the recorded schedule says so
        Assert.Equal(TimeSpan.FromSeconds(40), started["c"]);
        Assert.Equal(TimeSpan.FromSeconds(68 + 2), started["d"]); // created when b ended, running after the pod start-up delay
    }

    /// <summary>A Flow-Bench DAG with the first run's transformations as task types (read from the CSV, not from the library).</summary>
    private static WorkflowTrace FlowBenchShape(string dagFile)
    {
        using var dagStream = File.OpenRead(Path.Combine(FlowBench, dagFile));
        var children = JsonSerializer.Deserialize<Dictionary<string, string[]>>(dagStream)!;
        var types = FirstRunTypes(dagFile == "montage.json" ? "montage.csv.gz" : "predict-future-sales.csv.gz");
        var parents = children.SelectMany(c => c.Value.Select(child => (Parent: c.Key, Child: child)))
            .ToLookup(e => e.Child, e => e.Parent, StringComparer.Ordinal);
        var nodes = children.Keys.Concat(children.Values.SelectMany(v => v)).Distinct(StringComparer.Ordinal).ToArray();
        return WorkflowTrace.Create(dagFile, nodes.Select(n => new TraceTask(n, types.GetValueOrDefault(n) ?? TypeFromNodeName(n), TimeSpan.FromSeconds(1), parents[n].ToArray())));
    }

    /// <summary>For a DAG node no job of the first run has: Pegasus' node names carry the job's kind (stage_in_…, register_…, mProject_ID…).</summary>
    private static string TypeFromNodeName(string node) =>
        node.StartsWith("stage_", StringComparison.Ordinal) ? "pegasus::transfer"
        : node.StartsWith("register_", StringComparison.Ordinal) ? "pegasus::rc-client"
        : node.StartsWith("create_dir_", StringComparison.Ordinal) ? "pegasus::dirmanager"
        : node.StartsWith("cleanup_", StringComparison.Ordinal) ? "pegasus::cleanup"
        : node.Split("_ID", 2)[0];

    private static Dictionary<string, string> FirstRunTypes(string csvGz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(FlowBench, csvGz)), CompressionMode.Decompress));
        var header = reader.ReadLine()!.Split(',');
        int run = Array.IndexOf(header, "run"), node = Array.IndexOf(header, "node"), type = Array.IndexOf(header, "transformation");
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        string? first = null;
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split(',');
            first ??= fields[run];
            if (fields[run] != first)
            {
                break;
            }

            types[fields[node]] = fields[type];
        }

        return types;
    }
}
