using BenchmarkDotNet.Attributes;
using ExecutionSentinel.Detection;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watching;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ExecutionSentinel.Benchmarks;

/// <summary>
/// The cost of one tick at a given number of tasks: apply the watch events that arrived since the last tick (1 % of
/// the tasks changed), take the observation from the cache, diff it in the ledger and run every built-in detector (the
/// watchdog's too: AddWatchdog() brings hang, stall and consistency).
/// </summary>
[MemoryDiagnoser]
public class TickBenchmarks
{
    private WorkflowCache _cache = null!;
    private WatchRun _run = null!;
    private V1Pod[][] _variants = [];
    private DateTimeOffset _now;
    private int _tick;

    [Params(1_000, 10_000, 100_000)]
    public int Tasks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var workload = new Workload(Tasks);
        _cache = new WorkflowCache(workload.Context);
        foreach (var job in workload.Jobs)
        {
            _cache.Apply(WatchEventType.Added, job);
        }

        foreach (var pod in workload.RunningPods)
        {
            _cache.Apply(WatchEventType.Added, pod);
        }

        _variants = [.. workload.RunningPods.Select(p => new[] { Workload.Moved(p, "node-a"), Workload.Moved(p, "node-b") })];
        var services = new ServiceCollection().AddExecutionSentinel().UseClusterProbe(_ => new NoProbe()).AddWatchdog().Services.BuildServiceProvider();
        var detectors = services.GetServices<IAnomalyDetector>().ToArray();
        _now = new DateTimeOffset(2026, 11, 26, 8, 0, 10, TimeSpan.Zero);
        _run = new WatchRun(workload.Context, new SentinelOptions(), detectors, _now, NullLogger.Instance);
        _run.Tick(new ClusterObservation { Tasks = _cache.Snapshot() }, null, _now);
    }

    [Benchmark(Description = "one tick: 1 % of tasks changed")]
    public int Tick()
    {
        _tick++;
        var changed = Math.Max(1, Tasks / 100);
        var offset = (_tick * changed) % Tasks;
        for (var i = 0; i < changed; i++)
        {
            _cache.Apply(WatchEventType.Modified, _variants[(offset + i) % Tasks][_tick & 1]);
        }

        _now = _now.AddSeconds(10);
        var observation = new ClusterObservation { Tasks = _cache.Snapshot() };
        return _run.Tick(observation, null, _now).Count;
    }

    private sealed class NoProbe : IClusterProbe
    {
        public ValueTask<IClusterProbeSession> AttachAsync(MonitoringContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
