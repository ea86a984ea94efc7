using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Probing;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.Tests.Kubernetes;

public sealed class HyperFlowJobNameTests
{
    [Theory]
    [InlineData("jobk3x9q-mproject-12-1", "mproject", 12, 1)]
    [InlineData("jobabc12-mutation-overlap-3-7", "mutation-overlap", 3, 7)]
    [InlineData("job0-individuals-merge-41-2", "individuals-merge", 41, 2)]
    public void HyperFlow_job_names_are_read(string name, string type, int proc, int firing)
    {
        Assert.Equal(new HyperFlowJobName(type, proc, firing), HyperFlowJobName.TryParse(name));
    }

    [Theory]
    [InlineData("tabix-extract")]
    [InlineData("jobk3x9q-mproject-12")]
    [InlineData("hyperflow-engine-7d9f")]
    [InlineData("jobX-Upper-1-1")]
    [InlineData(null)]
    public void Other_names_are_not(string? name)
    {
        Assert.Null(HyperFlowJobName.TryParse(name));
    }

    [Fact]
    public void Lossy_types_are_matched_back_to_the_inventory_and_a_label_wins()
    {
        var resolver = new TaskTypeResolver(["mutation_overlap", "mProject", "individuals"]);

        Assert.Equal("mutation_overlap", resolver.Resolve(null, "jobq1-mutation-overlap-5-1"));
        Assert.Equal("mProject", resolver.Resolve(null, "jobq1-mproject-5-1"));
        Assert.Equal("unknown-type", resolver.Resolve(null, "jobq1-unknown-type-5-1"));
        Assert.Equal("individuals", resolver.Resolve("individuals", "jobq1-mproject-5-1"));
        Assert.Null(resolver.Resolve(null, "tabix-extract"));
    }
}

public sealed class PodProjectionTests
{
    private static V1Pod Pod(string status, string? spec = null, string? metadata = null) => KubernetesJson.Deserialize<V1Pod>($$"""
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": {
            "name": "jobk3x9q-individuals-1-1-x7k2p", "namespace": "wf", "uid": "u-1",
            "creationTimestamp": "2026-11-26T08:00:00Z",
            "labels": { "app": "hyperflow", "job-name": "jobk3x9q-individuals-1-1", "batch.kubernetes.io/job-name": "jobk3x9q-individuals-1-1" }
            {{metadata ?? ""}}
          },
          "spec": {{spec ?? """{ "nodeName": "node-1", "restartPolicy": "Never", "containers": [ { "name": "test", "image": "hf", "command": ["/bin/sh", "-c", "hflow-job-execute wf:1:task:12 redis://redis:6379; exitCode=$?"] } ] }"""}},
          "status": {{status}}
        }
        """);

    [Fact]
    public void An_OOM_killed_container_gives_reason_and_exit_code()
    {
        var facts = PodProjection.Project(Pod("""
            { "phase": "Failed", "containerStatuses": [ { "name": "test", "restartCount": 0, "ready": false, "image": "hf", "imageID": "x",
              "state": { "terminated": { "reason": "OOMKilled", "exitCode": 137, "startedAt": "2026-11-26T08:00:05Z", "finishedAt": "2026-11-26T08:01:00Z" } } } ] }
            """));

        Assert.Equal(TaskPhase.Failed, facts.Phase);
        Assert.Equal(("OOMKilled", (int?)137), facts.Termination);
        Assert.Equal("jobk3x9q-individuals-1-1", facts.JobName);
        Assert.Equal("wf:1:task:12", facts.TaskId);
        Assert.Equal("node-1", facts.NodeName);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 5, TimeSpan.Zero), facts.StartedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 1, 0, TimeSpan.Zero), facts.FinishedAt);
    }

    [Fact]
    public void A_restarted_container_keeps_its_last_OOM_kill()
    {
        var facts = PodProjection.Project(Pod("""
            { "phase": "Running", "containerStatuses": [ { "name": "test", "restartCount": 1, "ready": true, "image": "hf", "imageID": "x",
              "state": { "running": { "startedAt": "2026-11-26T08:02:00Z" } },
              "lastState": { "terminated": { "reason": "OOMKilled", "exitCode": 137 } } } ] }
            """));

        Assert.Equal(TaskPhase.Running, facts.Phase);
        Assert.Null(facts.Termination);
        Assert.Equal(("OOMKilled", (int?)137), facts.LastTermination);
        Assert.Equal(1, facts.Restarts);
    }

    [Fact]
    public void An_evicted_pod_without_container_states_ends_with_the_pod_reason()
    {
        var facts = PodProjection.Project(Pod("""
            { "phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory.",
              "conditions": [ { "type": "DisruptionTarget", "status": "True", "reason": "TerminationByKubelet" } ] }
            """));

        Assert.Equal(("Evicted", (int?)null), facts.Termination);
        Assert.Equal("Evicted", facts.PodReason);
        Assert.Equal("TerminationByKubelet", facts.DisruptionReason);
    }

    [Fact]
    public void An_evicted_pod_whose_container_was_killed_ends_with_the_pod_reason_and_the_exit_code()
    {
        var facts = PodProjection.Project(Pod("""
            { "phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory.",
              "containerStatuses": [ { "name": "test", "image": "i", "imageID": "i", "ready": false, "restartCount": 0,
                "state": { "terminated": { "reason": "ContainerStatusUnknown", "exitCode": 137 } } } ] }
            """));

        Assert.Equal(("Evicted", (int?)137), facts.Termination);
    }

    [Fact]
    public void An_unschedulable_pod_says_why()
    {
        var facts = PodProjection.Project(Pod("""
            { "phase": "Pending", "conditions": [ { "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes are available" } ] }
            """));

        Assert.Equal(TaskPhase.Pending, facts.Phase);
        Assert.Equal("Unschedulable", facts.SchedulingFailure);
    }

    [Theory]
    [InlineData("CrashLoopBackOff")]
    [InlineData("ImagePullBackOff")]
    [InlineData("CreateContainerConfigError")]
    public void Waiting_reasons_are_kept(string reason)
    {
        var facts = PodProjection.Project(Pod($$"""
            { "phase": "Pending", "containerStatuses": [ { "name": "test", "restartCount": 0, "ready": false, "image": "hf", "imageID": "",
              "state": { "waiting": { "reason": "{{reason}}" } } } ] }
            """));

        Assert.Equal(reason, facts.WaitingReason);
    }

    [Fact]
    public void A_failed_init_container_is_the_termination()
    {
        var facts = PodProjection.Project(Pod("""
            { "phase": "Failed",
              "initContainerStatuses": [ { "name": "init", "restartCount": 0, "ready": false, "image": "i", "imageID": "", "state": { "terminated": { "reason": "ContainerCannotRun", "exitCode": 128 } } } ],
              "containerStatuses": [ { "name": "test", "restartCount": 0, "ready": false, "image": "hf", "imageID": "", "state": { "waiting": { "reason": "PodInitializing" } } } ] }
            """));

        Assert.Equal(("ContainerCannotRun", (int?)128), facts.Termination);
        Assert.Null(facts.WaitingReason);
    }

    [Fact]
    public void A_deletion_timestamp_marks_the_pod_terminating()
    {
        var facts = PodProjection.Project(Pod("""{ "phase": "Running" }""", metadata: """, "deletionTimestamp": "2026-11-26T08:03:00Z" """));

        Assert.True(facts.IsTerminating);
    }
}

public sealed class TaskAssemblerTests
{
    private static readonly PodFacts OomPod = new() { Name = "p1", Phase = TaskPhase.Failed, Termination = ("OOMKilled", 137) };
    private static readonly PodFacts RunningPod = new() { Name = "p2", Phase = TaskPhase.Running, StartedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void A_retried_attempt_after_an_OOM_kill_is_attempt_two_with_the_kill_on_record()
    {
        var job = new JobFacts { Name = "jobq-individuals-1-1", Failed = 1, Active = 1 };

        var task = TaskAssembler.Assemble("individuals-0", "individuals", job, [OomPod, RunningPod]);

        Assert.Equal(TaskPhase.Running, task.Phase);
        Assert.Equal(2, task.Attempt);
        Assert.Equal(new AttemptTermination(1, "OOMKilled", 137, null), Assert.Single(task.Terminations));
        Assert.Equal("p2", task.ObjectName);
    }

    [Fact]
    public void A_failed_pod_of_a_live_job_waits_for_its_retry_but_FailureTarget_is_final()
    {
        var live = TaskAssembler.Assemble("t", "x", new JobFacts { Name = "j", Failed = 1 }, [OomPod]);
        var doomed = TaskAssembler.Assemble("t", "x", JobProjection.Project(KubernetesJson.Deserialize<V1Job>("""
            { "metadata": { "name": "j" }, "status": { "failed": 7, "conditions": [ { "type": "FailureTarget", "status": "True", "reason": "BackoffLimitExceeded" } ] } }
            """)), [OomPod]);

        Assert.Equal(TaskPhase.Pending, live.Phase);
        Assert.Equal(TaskPhase.Failed, doomed.Phase);
        Assert.Equal("BackoffLimitExceeded", doomed.JobFailureTarget);
    }

    [Fact]
    public void Container_restarts_count_as_attempts()
    {
        var restarted = new PodFacts { Name = "p", Phase = TaskPhase.Running, Restarts = 2, LastTermination = ("OOMKilled", 137) };

        var task = TaskAssembler.Assemble("t", "x", new JobFacts { Name = "j", Active = 1 }, [restarted]);

        Assert.Equal(3, task.Attempt);
        Assert.Equal(2, Assert.Single(task.Terminations).Attempt);
    }

    [Fact]
    public void A_complete_job_is_succeeded_even_when_its_pods_are_gone()
    {
        var job = JobProjection.Project(KubernetesJson.Deserialize<V1Job>("""
            { "metadata": { "name": "j", "creationTimestamp": "2026-11-26T08:00:00Z" },
              "status": { "succeeded": 1, "completionTime": "2026-11-26T08:05:00Z", "conditions": [ { "type": "Complete", "status": "True" } ] } }
            """));

        var task = TaskAssembler.Assemble("t", "x", job, []);

        Assert.Equal(TaskPhase.Succeeded, task.Phase);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 5, 0, TimeSpan.Zero), task.FinishedAt);
    }
}
