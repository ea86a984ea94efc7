using System.Globalization;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Evaluation;

/// <summary>A straggler report of a replay: which job, when (from the run's start), and the expectation it was judged by.</summary>
internal sealed record StragglerAlarm(string Node, TimeSpan At, double ExpectedSeconds, string ExpectedFrom);

/// <summary>
/// Replays one Flow-Bench run through the public API, as a conductor's test would: the run becomes a
/// <see cref="WorkflowTrace"/> (its jobs, types, runtimes, recorded start times and DAG), a <see cref="SimulatedCluster"/>
/// plays it on fake time, and one watch of a default sentinel observes it to its end.
/// </summary>
internal static class RunReplay
{
    /// <summary>Watched runs can be long (montage up to 4 h): the watch must outlast them; every other option is default.</summary>
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromDays(1);

    public static WorkflowTrace ToTrace(FlowBenchRun run, IReadOnlyDictionary<string, string[]> dag)
    {
        var present = run.Jobs.Select(j => j.Node).ToHashSet(StringComparer.Ordinal);
        var parents = dag.SelectMany(p => p.Value.Select(child => (Parent: p.Key, Child: child)))
            .Where(e => present.Contains(e.Parent) && present.Contains(e.Child))
            .ToLookup(e => e.Child, e => e.Parent, StringComparer.Ordinal);
        var first = run.Jobs.Min(j => j.Start);
        var tasks = run.Jobs
            .OrderBy(j => j.Start).ThenBy(j => j.Node, StringComparer.Ordinal)
            .Select(j => new TraceTask(j.Node, j.Type, TimeSpan.FromSeconds(j.Runtime), parents[j.Node].Distinct(StringComparer.Ordinal).ToArray(),
                startOffset: TimeSpan.FromSeconds(j.Start - first)));
        return WorkflowTrace.Create(run.Id, tasks);
    }

    /// <summary>Replays <paramref name="run"/> and returns its straggler alarms.</summary>
    /// <param name="run">The run.</param>
    /// <param name="dag">The workflow's DAG.</param>
    /// <param name="expected">The inventory's expected duration per job (none: the detector's in-run median).</param>
    /// <param name="configure">Anything else the conductor registers (e.g. a duration history).</param>
    public static async Task<IReadOnlyList<StragglerAlarm>> RunAsync(
        FlowBenchRun run,
        IReadOnlyDictionary<string, string[]> dag,
        Func<FlowBenchJob, TimeSpan?>? expected,
        Action<ISentinelBuilder>? configure = null,
        string? workflowName = null)
    {
        var trace = ToTrace(run, dag);
        var time = new FakeTimeProvider(new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cluster = new SimulatedCluster(trace, time, new SimulatedClusterOptions { PodStartupDelay = TimeSpan.Zero });
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        var builder = services.AddExecutionSentinel(o => o.WatchTimeout = WatchTimeout).UseSimulatedCluster(cluster);
        configure?.Invoke(builder);
        await using var provider = services.BuildServiceProvider();

        var context = cluster.CreateContext(ExpectedDurationSource.None) with { WorkflowName = workflowName };
        if (expected is not null)
        {
            var byNode = run.Jobs.ToDictionary(j => j.Node, StringComparer.Ordinal);
            context = context with { TaskInventory = [.. context.TaskInventory.Select(t => t with { ExpectedDuration = expected(byNode[t.Name]) })] };
        }

        var reports = await SimulatedWatch.RunToEndAsync(provider.GetRequiredService<ISentinel>(), context, time).ConfigureAwait(false);
        var summary = reports[^1].Summary ?? throw new InvalidOperationException($"Run {run.Id}: the watch ended without a summary.");
        if (summary.Outcome != WatchOutcome.Completed)
        {
            throw new InvalidOperationException($"Run {run.Id}: the replay ended {summary.Outcome}, not Completed: {reports[^1].Message}");
        }

        return reports
            .Where(r => r.Kind == ReportKind.Straggler && r.TaskName is not null)
            .Select(r => new StragglerAlarm(
                r.TaskName!,
                r.Timestamp - cluster.StartedAt,
                double.Parse(r.Details["expectedSeconds"], CultureInfo.InvariantCulture),
                r.Details.GetValueOrDefault("expectedFrom") ?? "?"))
            .ToArray();
    }
}
