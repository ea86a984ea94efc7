using ExecutionSentinel.Kubernetes.Mapping;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Benchmarks;

/// <summary>Measures what the cache keeps per task (one Job and one running pod each), after a full GC.</summary>
internal static class CacheMemory
{
    public static void Report(int tasks)
    {
        var workload = new Workload(tasks);

        // Objects arrive as JSON and are dropped after projection, as in the informer: only what the cache keeps stays.
        var jobs = workload.Jobs.Select(j => KubernetesJson.Serialize(j)).ToArray();
        var pods = workload.RunningPods.Select(p => KubernetesJson.Serialize(p)).ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var cache = new WorkflowCache(workload.Context);
        foreach (var job in jobs)
        {
            cache.Apply(WatchEventType.Added, KubernetesJson.Deserialize<V1Job>(job));
        }

        foreach (var pod in pods)
        {
            cache.Apply(WatchEventType.Added, KubernetesJson.Deserialize<V1Pod>(pod));
        }

        var observations = cache.Snapshot();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(cache);
        GC.KeepAlive(workload);
        GC.KeepAlive(jobs);
        GC.KeepAlive(pods);
        Console.WriteLine($"cache memory: {tasks:N0} tasks ({observations.Length:N0} observations) hold {(after - before) / 1024.0:N0} KiB: {(after - before) / (double)tasks:N0} bytes per task (Job + pod facts + observation + indexes)");
    }
}
