using System.Globalization;
using ExecutionSentinel.Detection;

namespace ExecutionSentinel.Tests.Detection;

public sealed class WorkflowIndexTests
{
    /// <summary>
    /// Layers of two types, each waiting for both types of the layer before: the number of paths doubles with every layer,
    /// so a depth computed path by path takes 2^layers steps (over a minute at 30 layers). Memoised, it is linear.
    /// </summary>
    [Theory]
    [InlineData(30)]
    [InlineData(200)]
    public void Types_are_ordered_by_depth_in_time_linear_in_the_DAG_even_when_paths_multiply(int layers)
    {
        var dag = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var layer = 0; layer < layers; layer++)
        {
            IReadOnlyList<string> below = layer == 0 ? [] : [Type(layer - 1, 'a'), Type(layer - 1, 'b')];
            dag[Type(layer, 'b')] = below;
            dag[Type(layer, 'a')] = below;
        }

        var index = new WorkflowIndex(new MonitoringContext { Namespace = "wf", EnginePodName = "engine", DagStructure = dag });

        Assert.Equal(2 * layers, index.TaskTypes.Count);
        for (var layer = 0; layer < layers; layer++)
        {
            Assert.Equal(Type(layer, 'a'), index.TaskTypes[2 * layer]);
            Assert.Equal(Type(layer, 'b'), index.TaskTypes[(2 * layer) + 1]);
        }
    }

    [Fact]
    public void A_chain_of_100000_types_is_indexed_without_recursion()
    {
        var context = new MonitoringContext { Namespace = "wf", EnginePodName = "engine", DagStructure = Chain(100_000, closed: false) };

        var index = new WorkflowIndex(context);

        Assert.Equal(100_000, index.TaskTypes.Count);
        Assert.Equal("t000000", index.TaskTypes[0]);
        Assert.Equal("t099999", index.TaskTypes[^1]);
        Assert.Equal(54_321, index.OrderOf("t054321"));
    }

    [Fact]
    public void Inventory_DAG_orders_come_first_and_an_unvalidated_cycle_does_not_hang()
    {
        var context = new MonitoringContext
        {
            Namespace = "wf",
            EnginePodName = "engine",
            TaskInventory = [new TaskSpec { Name = "z-0", TaskType = "z", DagOrder = 0 }],
            DagStructure = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["b"], ["b"] = ["a"], ["z"] = ["a"] },
        };

        var index = new WorkflowIndex(context);

        Assert.Equal("z", index.TaskTypes[0]);
        Assert.Equal(3, index.TaskTypes.Count);
    }

    /// <summary>t000000 ← t000001 ← … (each type waits for the one before); closed, the first also waits for the last.</summary>
    internal static Dictionary<string, IReadOnlyList<string>> Chain(int length, bool closed)
    {
        var dag = new Dictionary<string, IReadOnlyList<string>>(length, StringComparer.Ordinal);
        for (var i = 0; i < length; i++)
        {
            dag[Name(i)] = i > 0 ? [Name(i - 1)] : closed ? [Name(length - 1)] : [];
        }

        return dag;

        static string Name(int i) => "t" + i.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static string Type(int layer, char which) => string.Create(CultureInfo.InvariantCulture, $"l{layer:D3}{which}");
}
