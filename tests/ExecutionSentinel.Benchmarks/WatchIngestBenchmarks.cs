using System.Text;
using BenchmarkDotNet.Attributes;
using ExecutionSentinel.Kubernetes.Mapping;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Benchmarks;

/// <summary>
/// Watch events ingested per second on one core: each event is a real HyperFlow pod's JSON line as the API server sends
/// it, read off the wire into the wire classes (only the fields the projections read), projected to the facts detectors
/// need, and applied to the cache, as the informer does. For comparison, what the client's own deserialisation of the
/// same line into a full <c>V1Pod</c> costs alone (the path the informer took before, which then also projected it).
/// </summary>
[MemoryDiagnoser]
public class WatchIngestBenchmarks
{
    private const int Events = 10_000;
    private string[] _lines = [];
    private byte[][] _utf8 = [];
    private WorkflowCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        var workload = new Workload(1_000);
        _cache = new WorkflowCache(workload.Context);
        _lines = new string[Events];
        for (var i = 0; i < Events; i++)
        {
            var pod = Workload.Moved(workload.RunningPods[i % 1_000], "node-" + (i % 7));
            pod.Metadata.ResourceVersion = (10_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _lines[i] = $$"""{"type":"MODIFIED","object":{{KubernetesJson.Serialize(pod)}}}""";
        }

        _utf8 = _lines.Select(Encoding.UTF8.GetBytes).ToArray();
        Console.WriteLine($"// one pod event is {Encoding.UTF8.GetByteCount(_lines[0])} bytes of JSON");
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "wire read + project + apply, per pod event")]
    public int IngestPodEvent()
    {
        foreach (var line in _utf8)
        {
            var change = System.Text.Json.JsonSerializer.Deserialize(line, ExecutionSentinel.Kubernetes.Mapping.Wire.WireJson.Default.WireWatchEventWirePod)!;
            _cache.Apply(WatchEventType.Modified, PodProjection.Project(change.Object!));
        }

        return _cache.Count;
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "client deserialize to V1Pod only (before), per pod event")]
    public int ClientDeserializeOnly()
    {
        var n = 0;
        foreach (var line in _lines)
        {
            n += KubernetesJson.Deserialize<Watcher<V1Pod>.WatchEvent>(line).Object.Spec.Containers.Count;
        }

        return n;
    }
}
