using ExecutionSentinel.Detection;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using static ExecutionSentinel.Testing.DetectorBench;

namespace ExecutionSentinel.Tests.Watching;

/// <summary>The ledger turns full observations into changes and counts every task, whatever happened to its objects.</summary>
public sealed class TaskLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_follow_the_tasks_phases_and_the_total_is_the_inventorys()
    {
        var ledger = Ledger(out _);

        ledger.Apply([Task("a", "x", TaskPhase.Running, T0), Task("b", "x", TaskPhase.Pending)]);
        var changes = ledger.Apply([Task("a", "x", TaskPhase.Succeeded, T0), Task("b", "x", TaskPhase.Failed, T0)]);

        Assert.Equal(new ProgressCounts(1, 1, 0, 3), ledger.Progress);
        Assert.Equal(["a", "b"], changes.Select(c => c.Current.Name));
        Assert.Equal(["c"], ledger.UnfinishedTaskNames()); // Never seen: unknown, never counted as completed.
        Assert.Equal(new ProgressCounts(1, 1, 0, 3), ledger.ProgressByType()["x"]);
    }

    [Fact]
    public void An_unchanged_observation_is_no_change()
    {
        var ledger = Ledger(out _);
        ledger.Apply([Task("a", "x", TaskPhase.Running, T0)]);

        Assert.Empty(ledger.Apply([Task("a", "x", TaskPhase.Running, T0)]));
    }

    [Fact]
    public void A_running_task_that_vanishes_is_gone_and_unfinished_a_finished_one_stays_counted()
    {
        var ledger = Ledger(out _);
        ledger.Apply([Task("a", "x", TaskPhase.Running, T0), Task("b", "x", TaskPhase.Succeeded, T0)]);

        var changes = ledger.Apply([]);

        var a = Assert.Single(changes, c => c.Current.Name == "a").Current;
        Assert.True(a.IsGone);
        Assert.False(a.IsFinished);
        Assert.Equal(1, ledger.Progress.Completed);
        Assert.Equal(0, ledger.Progress.Running);
        Assert.Equal(["a", "c"], ledger.UnfinishedTaskNames());
    }

    [Fact]
    public void A_task_outside_the_inventory_is_counted_apart_and_named_until_it_finishes()
    {
        var ledger = Ledger(out _);

        ledger.Apply([Task("stray", "y", TaskPhase.Running, T0)]);

        Assert.Equal(4, ledger.Progress.Total);
        Assert.Equal(["a", "b", "c", "stray"], ledger.UnfinishedTaskNames());
        ledger.Apply([Task("stray", "y", TaskPhase.Succeeded, T0)]);
        Assert.Equal(["a", "b", "c"], ledger.UnfinishedTaskNames());
    }

    private static TaskLedger Ledger(out MonitoringContext context)
    {
        context = Context(Spec("a", "x"), Spec("b", "x"), Spec("c", "x"));
        return new TaskLedger(new WorkflowIndex(context), context.TaskInventory);
    }
}
