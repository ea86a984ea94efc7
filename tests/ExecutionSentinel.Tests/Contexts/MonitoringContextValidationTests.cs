using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Contexts;

public sealed class MonitoringContextValidationTests
{
    private static readonly TaskSpec Sifting = new() { Name = "sifting-0", TaskType = "sifting", DagOrder = 2, ExpectedDuration = TimeSpan.FromSeconds(45) };

    [Fact]
    public void The_seed_example_context_is_valid()
    {
        var context = new MonitoringContext
        {
            Namespace = "wf-1000g-20260221",
            EnginePodName = "hyperflow-engine-0",
            TaskInventory =
            [
                Sifting,
                new TaskSpec { Name = "frequency-0", TaskType = "frequency", DagOrder = 4, ExpectedDuration = TimeSpan.FromSeconds(15), MemoryLimit = "2Gi", CpuLimit = "500m" },
            ],
            DagStructure = new Dictionary<string, IReadOnlyList<string>> { ["sifting"] = [], ["frequency"] = ["sifting"] },
        };

        Assert.Empty(context.Validate());
        Assert.Equal("hyperflow", context.EngineContainer);
    }

    [Fact]
    public void Every_real_trace_makes_a_valid_context()
    {
        foreach (var name in SharedTraces.Names())
        {
            Assert.Empty(SharedTraces.Load(name).ToMonitoringContext().Validate());
        }
    }

    [Fact]
    public void Every_problem_is_listed_at_once_naming_where_it_is()
    {
        var context = new MonitoringContext
        {
            Namespace = "",
            EnginePodName = " ",
            EngineContainer = "",
            TaskInventory =
            [
                Sifting,
                Sifting with { TaskType = "" },
                new TaskSpec { Name = "x", TaskType = "x", DagOrder = -1, ExpectedDuration = TimeSpan.FromSeconds(-5), MemoryLimit = "lots" },
            ],
            DagStructure = new Dictionary<string, IReadOnlyList<string>>
            {
                ["sifting"] = ["ghost"],
                ["a"] = ["b"],
                ["b"] = ["a"],
                ["x"] = ["x"],
            },
        };

        var problems = context.Validate();

        Assert.Contains(problems, p => p.StartsWith("Namespace is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("EnginePodName is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("EngineContainer is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("TaskInventory[1] ('sifting-0'): duplicate task name; TaskInventory[0]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("TaskInventory[1] ('sifting-0'): TaskType is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("TaskInventory[2] ('x'): DagOrder is -1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("TaskInventory[2] ('x'): ExpectedDuration is negative", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MemoryLimit 'lots' is not a Kubernetes quantity", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DagStructure['sifting'] names unknown task type 'ghost'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DagStructure['x'] names itself", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("DagStructure has a cycle: a -> b -> a", StringComparison.Ordinal));
        Assert.Equal(11, problems.Count);
    }

    [Theory]
    [InlineData("Has-Capitals")]
    [InlineData("ends-with-")]
    [InlineData("under_score")]
    public void A_namespace_that_Kubernetes_would_refuse_is_named(string ns)
    {
        var problems = new MonitoringContext { Namespace = ns, EnginePodName = "engine" }.Validate();

        Assert.Contains(problems, p => p.Contains($"Namespace '{ns}' is not a valid Kubernetes namespace", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sentinel_rejects_an_invalid_context_at_the_call_before_watching()
    {
        using var harness = new SentinelHarness(WorkflowTrace.LoadBundled());
        var context = harness.Context() with { Namespace = "", DagStructure = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["a"] } };

        var error = Assert.Throws<InvalidMonitoringContextException>(() => harness.Sentinel.WatchAsync(context));

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("2 problems", error.Message, StringComparison.Ordinal);
        Assert.Equal("context", error.ParamName);
    }
}
