using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using k8s.Models;

namespace ExecutionSentinel.Benchmarks;

/// <summary>
/// A HyperFlow workflow of any size with the task types and median runtimes of the real 1000genome trace, and real
/// HyperFlow Job and pod objects for it (from HyperFlow's own Job template, <c>data/hyperflow</c>).
/// </summary>
internal sealed class Workload
{
    public const string Namespace = "wf-bench";

    public Workload(int tasks)
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        var medians = trace.MedianRuntimes();
        var types = medians.Keys.Order(StringComparer.Ordinal).ToArray();
        Objects = HyperFlowObjects.FromHyperFlowTemplate(Namespace);
        var specs = new List<TaskSpec>(tasks);
        var created = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
        Jobs = new V1Job[tasks];
        RunningPods = new V1Pod[tasks];
        for (var i = 0; i < tasks; i++)
        {
            var type = types[i % types.Length];
            var name = $"{type}_ID{i:D7}";
            specs.Add(new TaskSpec { Name = name, TaskType = type, ExpectedDuration = medians[type], DagOrder = i });
            var job = Objects.Job(HyperFlowObjects.JobName(type, i), name, created);
            Jobs[i] = job;
            var pod = Objects.Pod(job, 1, created);
            pod.Spec.NodeName = "node-" + (i % 16);
            pod.Status = new V1PodStatus
            {
                Phase = "Running",
                StartTime = created.UtcDateTime,
                Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }, new V1PodCondition { Type = "Ready", Status = "True" }],
                ContainerStatuses = [HyperFlowObjects.Running("test", created.AddSeconds(2))],
            };
            RunningPods[i] = pod;
        }

        Context = new MonitoringContext { Namespace = Namespace, EnginePodName = "hyperflow-engine-0", TaskInventory = specs };
    }

    public HyperFlowObjects Objects { get; }

    public MonitoringContext Context { get; }

    public V1Job[] Jobs { get; }

    public V1Pod[] RunningPods { get; }

    /// <summary>The same pod, moved to another node: a change that every layer must carry, without changing its phase.</summary>
    public static V1Pod Moved(V1Pod pod, string node) => new()
    {
        ApiVersion = pod.ApiVersion,
        Kind = pod.Kind,
        Metadata = pod.Metadata,
        Spec = new V1PodSpec { Containers = pod.Spec.Containers, NodeName = node, RestartPolicy = pod.Spec.RestartPolicy },
        Status = pod.Status,
    };
}
