using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Probing;
using ExecutionSentinel.Watchdog;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Watchdog;

/// <summary>Builds gates, watches and observations for the watchdog's tests.</summary>
internal static class WatchdogTestKit
{
    public static MonitoringContext Context(string ns, IEnumerable<string> tasks, string enginePod = "hyperflow-engine-0") => new()
    {
        Namespace = ns,
        EnginePodName = enginePod,
        TaskInventory = [.. tasks.Select(t => new TaskSpec { Name = t, TaskType = "t", DagOrder = 0 })],
    };

    public static TaskObservation Task(string name, string job, string uid, TaskPhase phase = TaskPhase.Running, bool gone = false, DateTimeOffset? finishedAt = null) => new()
    {
        Name = name,
        TaskType = "t",
        JobName = job,
        JobUid = uid,
        Phase = phase,
        Attempt = 1,
        IsGone = gone,
        FinishedAt = finishedAt,
    };

    /// <summary>A running watch of <paramref name="ns"/> whose inventory is <paramref name="inventory"/>, having observed <paramref name="tasks"/>.</summary>
    public static WatchView Watch(ObservedJobs observed, string ns, IEnumerable<string> inventory, params TaskObservation[] tasks)
    {
        var view = observed.Begin(Context(ns, inventory));
        view.Apply(new ClusterObservation { Tasks = tasks });
        return view;
    }

    public static InterventionGate Gate(
        IClusterActuator actuator,
        ILeadership leadership,
        InterventionOptions options,
        TimeProvider time,
        ObservedJobs observed,
        IInterventionRecord? record = null) =>
        new(actuator, leadership, options, time, record ?? new MemoryInterventionRecord(), observed);

    /// <summary>
    /// Observes the fake server's Jobs and pods of a namespace as the Kubernetes probe would (through its own cache), and
    /// records that observation as a running watch of <paramref name="context"/>.
    /// </summary>
    public static WatchView ObserveServer(ObservedJobs observed, FakeKubeApiServer server, MonitoringContext context)
    {
        var cache = new WorkflowCache(context);
        foreach (var job in server.Store.List("jobs", context.Namespace, LabelSelector.Everything).Items)
        {
            cache.Apply(WatchEventType.Added, KubernetesJson.Deserialize<V1Job>(job.Json));
        }

        foreach (var pod in server.Store.List("pods", context.Namespace, LabelSelector.Everything).Items)
        {
            cache.Apply(WatchEventType.Added, KubernetesJson.Deserialize<V1Pod>(pod.Json));
        }

        var view = observed.Begin(context);
        view.Apply(new ClusterObservation { Tasks = cache.Snapshot() });
        return view;
    }

    /// <summary>Awaits a task while moving fake time on (retries and breakers wait on it).</summary>
    public static async Task<T> DriveAsync<T>(Task<T> task, FakeTimeProvider time, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!task.IsCompleted)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The call did not end within 60 s of real time.");
            }

            time.Advance(step ?? TimeSpan.FromMilliseconds(500));
            await System.Threading.Tasks.Task.Delay(2);
        }

        return await task;
    }
}
