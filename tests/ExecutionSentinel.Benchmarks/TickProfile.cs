using System.Diagnostics;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Benchmarks;

/// <summary>Where a tick's time goes, stage by stage (`--profile`): a rough guide for optimisation, not a benchmark.</summary>
internal static class TickProfile
{
    public static void Run(int tasks)
    {
        var workload = new Workload(tasks);
        var cache = new WorkflowCache(workload.Context);
        foreach (var job in workload.Jobs)
        {
            cache.Apply(WatchEventType.Added, job);
        }

        foreach (var pod in workload.RunningPods)
        {
            cache.Apply(WatchEventType.Added, pod);
        }

        var variants = workload.RunningPods.Select(p => new[] { Workload.Moved(p, "node-a"), Workload.Moved(p, "node-b") }).ToArray();
        var services = new ServiceCollection().AddExecutionSentinel().UseClusterProbe(_ => null!).AddWatchdog().Services.BuildServiceProvider();
        var detectors = services.GetServices<IAnomalyDetector>().ToArray();
        var ledger = new TaskLedger(new WorkflowIndex(workload.Context), workload.Context.TaskInventory);
        var context = new DetectionContext(workload.Context) { Tasks = ledger.Tasks };
        ledger.Apply(cache.Snapshot());
        var times = new Dictionary<string, double>();
        var watch = new Stopwatch();
        const int ticks = 50;
        for (var tick = 1; tick <= ticks; tick++)
        {
            var changed = Math.Max(1, tasks / 100);
            watch.Restart();
            for (var i = 0; i < changed; i++)
            {
                cache.Apply(WatchEventType.Modified, variants[((tick * changed) + i) % tasks][tick & 1]);
            }

            Add(times, "apply events", watch);
            var snapshot = cache.Snapshot();
            Add(times, "snapshot", watch);
            context.Changes = ledger.Apply(snapshot);
            context.Progress = ledger.Progress;
            context.Now = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero).AddSeconds(10 * tick);
            Add(times, "ledger", watch);
            for (var slot = 0; slot < detectors.Length; slot++)
            {
                var detector = detectors[slot];
                context.EnterDetector(slot, detector.Name);
                _ = detector.Detect(context).ToList();
                Add(times, "detector " + detector.Name, watch);
            }
        }

        Console.WriteLine($"{tasks:N0} tasks, mean per tick:");
        foreach (var (stage, ms) in times.OrderByDescending(t => t.Value))
        {
            Console.WriteLine($"  {stage,-28} {ms / ticks,8:N3} ms");
        }
    }

    private static void Add(Dictionary<string, double> times, string stage, Stopwatch watch)
    {
        times[stage] = times.GetValueOrDefault(stage) + watch.Elapsed.TotalMilliseconds;
        watch.Restart();
    }
}
