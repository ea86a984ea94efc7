using System.Collections.Concurrent;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using ExecutionSentinel.Tests.Watchdog;
using ExecutionSentinel.Watchdog;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using Polly;

namespace ExecutionSentinel.Tests.Kubernetes.Connection;

/// <summary>The application's hook on the library's Kubernetes resilience pipelines (<c>ConfigureKubernetesResilience</c>).</summary>
public sealed class ResilienceHookTests
{
    private static readonly WorkflowTrace Genome = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");

    [Fact]
    public async Task A_strategy_added_by_the_hook_sees_every_read_and_exec_a_watch_sends_to_the_API_server()
    {
        var executions = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var pipelines = new ConcurrentBag<(KubernetesPipelineKind Kind, string Name, string? Namespace)>();
        await using var harness = await KubeHarness.StartAsync(Genome, builder: b => b.ConfigureKubernetesResilience((pipeline, context) =>
        {
            pipelines.Add((context.Kind, context.PipelineName, context.Namespace));
            var name = context.PipelineName;
            pipeline.AddStrategy(_ => new CountingStrategy(() => executions.AddOrUpdate(name, 1, (_, n) => n + 1)));
        }));

        var reports = await harness.RunAsync();

        Assert.Equal(WatchOutcome.Completed, reports[^1].Summary!.Outcome);
        var ns = harness.Driver.Namespace;
        Assert.Equal(
            [(KubernetesPipelineKind.ProbeReads, $"{ns}/reads", ns), (KubernetesPipelineKind.ProbeExec, $"{ns}/exec", ns)],
            pipelines.OrderBy(p => p.Kind).ToList());

        // Once per request the server received: every list page and the engine pod's reads, every exec; never a watch.
        var requests = harness.Server.Requests.Where(r => r.StartsWith("GET /api", StringComparison.Ordinal) && r.Contains($"/namespaces/{ns}/", StringComparison.Ordinal)).ToList();
        var execs = requests.Count(r => r.Contains("/exec?", StringComparison.Ordinal));
        var reads = requests.Count(r => !r.Contains("/exec?", StringComparison.Ordinal) && !r.Contains("watch=true", StringComparison.Ordinal));
        Assert.True(execs > 10 && reads >= 4, $"{execs} execs, {reads} reads"); // Lists of Jobs and pods at the start and after the signal; a cat per tick.
        Assert.Equal(reads, executions[$"{ns}/reads"]);
        Assert.Equal(execs, executions[$"{ns}/exec"]);
    }

    [Fact]
    public async Task The_hook_may_change_or_remove_the_librarys_retry_and_its_own_strategies_run_once_per_attempt()
    {
        var time = new FakeTimeProvider(SentinelHarness.Epoch);
        var inner = 0;
        ResiliencePipeline Build(Action<KubernetesResilienceContext> change) => new KubernetesPipelines(
            new ServiceCollection().BuildServiceProvider(),
            time,
            [new KubernetesResilienceHook((pipeline, context) =>
            {
                change(context);
                pipeline.AddStrategy(_ => new CountingStrategy(() => Interlocked.Increment(ref inner)));
            })]).Build(new KubernetesProbeOptions(), KubernetesPipelineKind.ProbeReads, "wf/reads", "wf");

        Assert.Equal(4, await WatchdogTestKit.DriveAsync(AttemptsAsync(Build(_ => { })), time)); // The library's 3 retries.
        Assert.Equal(4, inner);
        Assert.Equal(2, await WatchdogTestKit.DriveAsync(AttemptsAsync(Build(c => c.Retry!.MaxRetryAttempts = 1)), time));
        Assert.Equal(1, await WatchdogTestKit.DriveAsync(AttemptsAsync(Build(c => c.Retry = null)), time));
        Assert.Equal(4 + 2 + 1, inner);
        Assert.Null(CapturedContext(new KubernetesProbeOptions { MaxRetries = 0 }).Retry); // No retries configured: none to change.
        Assert.NotNull(CapturedContext(new KubernetesProbeOptions()).CircuitBreaker);
    }

    [Fact]
    public void The_hook_shapes_the_watchdogs_pipelines_too()
    {
        var pipelines = new ConcurrentBag<(KubernetesPipelineKind Kind, string Name, string? Namespace)>();
        var services = new ServiceCollection().AddSingleton(Substitute.For<IKubernetes>());
        services.AddExecutionSentinel()
            .ConfigureKubernetesResilience((_, context) => pipelines.Add((context.Kind, context.PipelineName, context.Namespace)))
            .AddWatchdog(o => o.Mode = InterventionMode.Enabled)
            .UseLeaderElection(o => o.Namespace = "conductor");
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IClusterActuator>();
        provider.GetRequiredService<IExecutionCluster>();
        provider.GetRequiredService<IInterventionRecord>();

        Assert.Equal(
            [(KubernetesPipelineKind.WatchdogJobs, "watchdog/jobs", null), (KubernetesPipelineKind.WatchdogExecutions, "watchdog/executions", null), (KubernetesPipelineKind.WatchdogLease, "watchdog/record", null)],
            pipelines.OrderBy(p => p.Kind).ToList());
    }

    private static KubernetesResilienceContext CapturedContext(KubernetesProbeOptions options)
    {
        KubernetesResilienceContext? captured = null;
        new KubernetesPipelines(new ServiceCollection().BuildServiceProvider(), TimeProvider.System, [new KubernetesResilienceHook((_, c) => captured = c)])
            .Build(options, KubernetesPipelineKind.ProbeExec, "wf/exec", "wf");
        return captured!;
    }

    /// <summary>How many attempts a call that always fails transiently gets.</summary>
    private static async Task<int> AttemptsAsync(ResiliencePipeline pipeline)
    {
        var attempts = 0;
        ValueTask Unreachable(CancellationToken _)
        {
            attempts++;
            throw new HttpRequestException("unreachable");
        }

        await Assert.ThrowsAsync<HttpRequestException>(async () => await pipeline.ExecuteAsync(Unreachable));
        return attempts;
    }

    /// <summary>A strategy of the application's: counts the executions that pass through it.</summary>
    private sealed class CountingStrategy(Action executed) : ResilienceStrategy
    {
        protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
            Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
        {
            executed();
            return callback(context, state);
        }
    }
}
