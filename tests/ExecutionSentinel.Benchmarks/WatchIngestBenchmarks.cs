using System.Text;
using BenchmarkDotNet.Attributes;
using ExecutionSentinel.Kubernetes.Mapping;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Benchmarks;

/// <summary>
/// Watch events ingested per second on one core: each event is a real HyperFlow pod's JSON line as the API server sends
/// it, deserialised with the client's serializer, projected to the facts detectors need, and applied to the cache.
/// </summary>
[MemoryDiagnoser]
public class WatchIngestBenchmarks
{
    private const int Events = 10_000;
    private string[] _lines = [];
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

        Console.WriteLine($"// one pod event is {Encoding.UTF8.GetByteCount(_lines[0])} bytes of JSON");
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "deserialize + project + apply, per pod event")]
    public int IngestPodEvent()
    {
        foreach (var line in _lines)
        {
            var change = KubernetesJson.Deserialize<Watcher<V1Pod>.WatchEvent>(line);
            _cache.Apply(change.Type, change.Object);
        }

        return _cache.Count;
    }
}
