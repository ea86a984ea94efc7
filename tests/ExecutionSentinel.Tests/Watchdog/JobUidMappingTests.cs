using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Probing;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>The probe's task observations carry the uid of the Job they saw: what the watchdog aims at, never a name alone.</summary>
public sealed class JobUidMappingTests
{
    private static readonly MonitoringContext Context = new()
    {
        Namespace = "wf",
        EnginePodName = "hyperflow-engine-0",
        TaskInventory = [new TaskSpec { Name = "jobk3x9q-individuals-1-1", TaskType = "individuals", DagOrder = 0 }],
    };

    [Fact]
    public void A_task_observation_carries_its_Jobs_uid_and_a_recreated_Job_changes_it()
    {
        var cache = new WorkflowCache(Context);

        cache.Apply(WatchEventType.Added, Job("uid-1", complete: false));
        var first = Assert.Single(cache.Snapshot());
        cache.Apply(WatchEventType.Deleted, Job("uid-1", complete: false));
        cache.Apply(WatchEventType.Added, Job("uid-2", complete: false));
        var second = Assert.Single(cache.Snapshot());

        Assert.Equal("uid-1", first.JobUid);
        Assert.Equal("uid-2", second.JobUid);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_finished_Job_deleted_by_its_TTL_keeps_its_uid_in_the_tombstone()
    {
        var cache = new WorkflowCache(Context);

        cache.Apply(WatchEventType.Added, Job("uid-1", complete: true));
        cache.Snapshot();
        cache.Apply(WatchEventType.Deleted, Job("uid-1", complete: true));
        var gone = Assert.Single(cache.Snapshot());

        Assert.True(gone.IsGone);
        Assert.Equal(TaskPhase.Succeeded, gone.Phase);
        Assert.Equal("uid-1", gone.JobUid);
    }

    private static V1Job Job(string uid, bool complete) => KubernetesJson.Deserialize<V1Job>($$"""
        {
          "apiVersion": "batch/v1", "kind": "Job",
          "metadata": { "name": "jobk3x9q-individuals-1-1", "namespace": "wf", "uid": "{{uid}}", "creationTimestamp": "2026-11-26T08:00:00Z",
                        "labels": { "app": "hyperflow" } },
          "spec": { "ttlSecondsAfterFinished": 100, "template": { "spec": { "containers": [ { "name": "test", "image": "hf" } ] } } },
          "status": {{(complete
              ? """{ "succeeded": 1, "completionTime": "2026-11-26T08:01:00Z", "conditions": [ { "type": "Complete", "status": "True" } ] }"""
              : """{ "active": 1 }""")}}
        }
        """);
}
