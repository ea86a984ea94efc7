using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Detection;
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
        foreach (var name in RealTraces.Names())
        {
            Assert.Empty(RealTraces.Load(name).ToMonitoringContext().Validate());
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

    /// <summary>Names that would change a request's URL, or that Kubernetes refuses.</summary>
    public static TheoryData<string> HostileNames() =>
    [
        "a/../../b",
        "/",
        "..",
        "a%2Fb",
        "Engine",
        new string('a', 300),
        "engine\nInjected: line",
        "engine ",
    ];

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void Every_name_that_goes_into_a_URL_must_be_a_Kubernetes_name_and_each_bad_one_is_named(string name)
    {
        var problems = new MonitoringContext { Namespace = name, EnginePodName = name, EngineContainer = name }.Validate();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Namespace '", StringComparison.Ordinal) && p.Contains("is not a valid Kubernetes namespace", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("EnginePodName '", StringComparison.Ordinal) && p.Contains("is not a valid Kubernetes pod name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("EngineContainer '", StringComparison.Ordinal) && p.Contains("is not a valid Kubernetes container name", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
        Assert.All(problems, p => Assert.True(p.Length < 300, p));
    }

    [Theory]
    [InlineData("hyperflow-engine-0")]
    [InlineData("engine.wf-1.example")]
    public void A_pod_name_may_be_a_DNS_subdomain(string name)
    {
        Assert.Empty(new MonitoringContext { Namespace = "wf", EnginePodName = name }.Validate());
    }

    [Fact]
    public void An_expected_duration_beyond_a_year_is_a_problem()
    {
        var problems = new MonitoringContext
        {
            Namespace = "wf",
            EnginePodName = "engine",
            TaskInventory = [Sifting with { ExpectedDuration = TimeSpan.MaxValue }],
        }.Validate();

        Assert.Contains(problems, p => p.StartsWith("TaskInventory[0] ('sifting-0'): ExpectedDuration is ", StringComparison.Ordinal) && p.EndsWith("at most 365 days.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_chain_of_100000_types_validates_without_recursion()
    {
        var context = new MonitoringContext { Namespace = "wf", EnginePodName = "engine", DagStructure = WorkflowIndexTests.Chain(100_000, closed: false) };

        Assert.Empty(context.Validate());
    }

    [Fact]
    public void A_cycle_through_100000_types_is_one_short_problem()
    {
        var context = new MonitoringContext { Namespace = "wf", EnginePodName = "engine", DagStructure = WorkflowIndexTests.Chain(100_000, closed: true) };

        var problem = Assert.Single(context.Validate());

        Assert.Equal("DagStructure has a cycle through 100000 types: t000000 -> t099999 -> t099998 -> t099997 -> t099996 -> … -> t000001 -> t000000.", problem);
    }

    [Fact]
    public void Many_problems_are_capped_with_a_count_of_the_rest()
    {
        var dag = Enumerable.Range(0, 500).ToDictionary(i => $"t{i}", i => (IReadOnlyList<string>)[$"ghost{i}"]);

        var problems = new MonitoringContext { Namespace = "wf", EnginePodName = "engine", DagStructure = dag }.Validate();

        Assert.Equal(101, problems.Count);
        Assert.Equal("… and 400 more problem(s).", problems[^1]);
    }

    [Fact]
    public async Task The_sentinel_watches_a_context_with_a_chain_of_100000_types()
    {
        using var harness = new SentinelHarness(WorkflowTrace.LoadBundled());
        var chain = WorkflowIndexTests.Chain(100_000, closed: false);
        foreach (var (type, prerequisites) in harness.Context().DagStructure)
        {
            chain[type] = prerequisites;
        }

        var context = harness.Context() with { DagStructure = chain };

        await using var reports = harness.Sentinel.WatchAsync(context).GetAsyncEnumerator();
        var first = reports.MoveNextAsync().AsTask();
        while (!first.IsCompleted)
        {
            harness.Time.Advance(Drive.Step);
            await Task.Yield();
        }

        Assert.True(await first);
    }
}
