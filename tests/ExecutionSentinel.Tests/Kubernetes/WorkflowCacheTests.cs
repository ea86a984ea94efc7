using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Probing;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Tests.Kubernetes;

public sealed class WorkflowCacheTests
{
    private static readonly MonitoringContext Context = new()
    {
        Namespace = "wf",
        EnginePodName = "hyperflow-engine-0",
        TaskInventory =
        [
            new TaskSpec { Name = "individuals-0", TaskType = "individuals", DagOrder = 0 },
            new TaskSpec { Name = "individuals-1", TaskType = "individuals", DagOrder = 0 },
            new TaskSpec { Name = "mutation_overlap-0", TaskType = "mutation_overlap", DagOrder = 3 },
        ],
    };

    /// <summary>A Job as HyperFlow makes it: the task id in its pod template's command (see HyperFlow's job template).</summary>
    private static V1Job Job(string name, string? taskId = null, int? ttlSeconds = null, bool complete = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = name + "-uid", CreationTimestamp = new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc) },
        Spec = new V1JobSpec
        {
            TtlSecondsAfterFinished = ttlSeconds,
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = "test",
                            Command = ["/bin/sh", "-c", taskId is null ? "echo no task here" : $"${{HF_VAR_X}} ; hflow-job-execute {taskId} redis://redis:6379; exitCode=$? ;"],
                        },
                    ],
                },
            },
        },
        Status = complete
            ? new V1JobStatus { Succeeded = 1, Conditions = [new V1JobCondition { Type = "Complete", Status = "True" }] }
            : new V1JobStatus { Active = 1 },
    };

    private static V1Pod Pod(string name, string job, string phase, V1ContainerState? state = null, int minute = 0) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            CreationTimestamp = new DateTime(2026, 11, 26, 8, minute, 0, DateTimeKind.Utc),
            Labels = new Dictionary<string, string> { ["app"] = "hyperflow", ["job-name"] = job },
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            ContainerStatuses = state is null ? null : [new V1ContainerStatus { Name = "test", Image = "hf", ImageID = "", Ready = false, RestartCount = 0, State = state }],
        },
    };

    [Fact]
    public void Jobs_and_pods_become_inventory_tasks_with_every_attempt_on_record()
    {
        var cache = new WorkflowCache(Context);
        cache.Apply(WatchEventType.Added, Job("jobk3x9q-individuals-1-1", "individuals-0"));
        cache.Apply(WatchEventType.Added, Pod("jobk3x9q-individuals-1-1-aaaaa", "jobk3x9q-individuals-1-1", "Running"));
        cache.Apply(WatchEventType.Modified, Pod("jobk3x9q-individuals-1-1-aaaaa", "jobk3x9q-individuals-1-1", "Failed",
            new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = "OOMKilled", ExitCode = 137 } }));
        cache.Apply(WatchEventType.Added, Pod("jobk3x9q-individuals-1-1-bbbbb", "jobk3x9q-individuals-1-1", "Running", minute: 1));
        cache.Apply(WatchEventType.Added, Job("jobzz9-mutation-overlap-7-1", "mutation_overlap-0"));

        var tasks = cache.Snapshot().ToDictionary(t => t.Name);

        var individuals = tasks["individuals-0"];
        Assert.Equal("individuals", individuals.TaskType);
        Assert.Equal(TaskPhase.Running, individuals.Phase);
        Assert.Equal(2, individuals.Attempt);
        Assert.True(Assert.Single(individuals.Terminations).IsOomKilled);
        Assert.Equal("mutation_overlap", tasks["mutation_overlap-0"].TaskType);
        Assert.Equal(TaskPhase.Pending, tasks["mutation_overlap-0"].Phase);
    }

    [Fact]
    public void Other_jobs_and_pods_are_ignored_and_unchanged_tasks_keep_their_instance()
    {
        var cache = new WorkflowCache(Context);
        cache.Apply(WatchEventType.Added, Job("tabix-extract"));
        cache.Apply(WatchEventType.Added, new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "hyperflow-engine-0", Labels = new Dictionary<string, string> { ["app"] = "hyperflow", ["component"] = "hyperflow-engine" } },
            Status = new V1PodStatus { Phase = "Running" },
        });
        cache.Apply(WatchEventType.Added, Job("jobq-individuals-2-1"));
        var first = cache.Snapshot().Single();
        cache.Apply(WatchEventType.Added, Job("jobr-individuals-3-1"));

        var second = cache.Snapshot();

        Assert.Equal(2, second.Length);
        Assert.Contains(first, second);
        Assert.Same(first, second.Single(t => t.Name == first.Name));
    }

    [Fact]
    public void A_task_whose_job_and_pods_are_deleted_stays_as_it_ended_or_leaves_when_it_had_not()
    {
        var cache = new WorkflowCache(Context);
        cache.Apply(WatchEventType.Added, Job("jobq-individuals-2-1", "individuals-0"));
        cache.Apply(WatchEventType.Added, Pod("jobq-individuals-2-1-aaaaa", "jobq-individuals-2-1", "Succeeded"));
        cache.Apply(WatchEventType.Added, Job("jobr-individuals-3-1", "individuals-1"));
        cache.Apply(WatchEventType.Added, Pod("jobr-individuals-3-1-bbbbb", "jobr-individuals-3-1", "Running"));
        Assert.Equal(2, cache.Snapshot().Length);

        // Both deleted (the first by its TTL after it ended, the second while running) before the next snapshot.
        cache.Apply(WatchEventType.Deleted, Pod("jobq-individuals-2-1-aaaaa", "jobq-individuals-2-1", "Succeeded"));
        cache.Apply(WatchEventType.Deleted, Job("jobq-individuals-2-1", "individuals-0"));
        cache.Apply(WatchEventType.Deleted, Pod("jobr-individuals-3-1-bbbbb", "jobr-individuals-3-1", "Running"));
        cache.Apply(WatchEventType.Deleted, Job("jobr-individuals-3-1", "individuals-1"));

        var ended = Assert.Single(cache.Snapshot());
        Assert.Equal("individuals-0", ended.Name);
        Assert.Equal(TaskPhase.Succeeded, ended.Phase);
        Assert.True(ended.IsGone);
    }

    [Fact]
    public void A_full_list_removes_what_it_no_longer_holds()
    {
        var cache = new WorkflowCache(Context);
        cache.ReplaceJobs([Job("jobq-individuals-2-1"), Job("jobr-individuals-3-1")]);
        cache.ReplacePods([Pod("jobq-individuals-2-1-aaaaa", "jobq-individuals-2-1", "Running"), Pod("jobr-individuals-3-1-bbbbb", "jobr-individuals-3-1", "Running")]);
        Assert.Equal(2, cache.Snapshot().Length);

        // Deleted while the watch was down: the next list no longer has the second task's objects.
        cache.ReplaceJobs([Job("jobq-individuals-2-1")]);
        cache.ReplacePods([Pod("jobq-individuals-2-1-aaaaa", "jobq-individuals-2-1", "Succeeded")]);

        var task = Assert.Single(cache.Snapshot());
        Assert.Equal(TaskPhase.Succeeded, task.Phase);
        Assert.Equal(1, cache.PodCount);
        Assert.Equal(1, cache.JobCount);
    }

    [Fact]
    public void A_task_is_named_by_its_own_job_not_by_arrival_order()
    {
        // The inventory lists individuals-0 first; the Job of individuals-1 arrives first, before any pod.
        var cache = new WorkflowCache(Context);
        cache.Apply(WatchEventType.Added, Job("jobb-individuals-2-1", "individuals-1"));
        cache.Apply(WatchEventType.Added, Job("joba-individuals-1-1", "individuals-0"));

        var tasks = cache.Snapshot().ToDictionary(t => t.JobName!, t => t.Name);

        Assert.Equal("individuals-1", tasks["jobb-individuals-2-1"]);
        Assert.Equal("individuals-0", tasks["joba-individuals-1-1"]);
    }

    [Fact]
    public void A_job_without_a_known_task_id_is_its_own_task_never_an_inventory_task()
    {
        var cache = new WorkflowCache(Context);
        cache.Apply(WatchEventType.Added, Job("jobq-individuals-2-1"));
        cache.Apply(WatchEventType.Added, Job("jobr-individuals-3-1", "individuals-99"));

        var names = cache.Snapshot().Select(t => t.Name).Order().ToList();

        Assert.Equal(["jobq-individuals-2-1", "jobr-individuals-3-1"], names);
    }

    [Fact]
    public void An_unfinished_job_gone_from_a_list_after_a_gap_longer_than_its_ttl_ended_unobserved()
    {
        var cache = new WorkflowCache(Context);
        cache.ReplaceJobs([Job("jobq-individuals-2-1", "individuals-0", ttlSeconds: 100), Job("jobr-individuals-3-1", "individuals-1", ttlSeconds: 100)]);
        cache.ReplacePods([Pod("jobq-individuals-2-1-aaaaa", "jobq-individuals-2-1", "Running"), Pod("jobr-individuals-3-1-bbbbb", "jobr-individuals-3-1", "Running")]);
        Assert.All(cache.Snapshot(), t => Assert.Equal(TaskPhase.Running, t.Phase));

        // Both gone from the next lists, taken 4 minutes after the view was last current: longer than the 100 s TTL.
        cache.ReplaceJobs([], TimeSpan.FromMinutes(4));
        cache.ReplacePods([]);

        var tasks = cache.Snapshot();
        Assert.Equal(2, tasks.Length);
        Assert.All(tasks, t =>
        {
            Assert.Equal(TaskPhase.Unknown, t.Phase);
            Assert.True(t.IsGone);
        });
    }

    [Fact]
    public void An_unfinished_job_gone_within_its_ttl_or_without_one_was_lost_not_ended()
    {
        var cache = new WorkflowCache(Context);
        cache.ReplaceJobs([Job("jobq-individuals-2-1", "individuals-0", ttlSeconds: 100), Job("jobr-individuals-3-1", "individuals-1")]);

        // 30 s without news cannot hide a TTL deletion of a Job that was running; a Job without a TTL is never deleted by one.
        cache.ReplaceJobs([], TimeSpan.FromSeconds(30));
        Assert.Empty(cache.Snapshot());

        var other = new WorkflowCache(Context);
        other.ReplaceJobs([Job("jobr-individuals-3-1", "individuals-1")]);
        other.ReplaceJobs([], TimeSpan.FromHours(1));
        Assert.Empty(other.Snapshot());
    }
}
