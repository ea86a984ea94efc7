using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ExecutionSentinel.Detection;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Benchmarks;

/// <summary>What the background events change on the pods of tasks that are not injected.</summary>
internal enum Background
{
    /// <summary>The pod's Ready condition and its container's ready flag flip (a readiness probe flapping): the sentinel's facts do not hold them, so they are not changes that matter.</summary>
    Readiness,

    /// <summary>The pod's node flips between two names: the facts hold the node, so every event is a change that matters and wakes the loop.</summary>
    Node,
}

/// <summary>The options of <c>--latency</c>.</summary>
internal sealed record LatencyOptions(int Tasks, double Rate, int Injections, TimeSpan Duration, IReadOnlyList<Background> Backgrounds, bool DriverOnly = false);

/// <summary>
/// `--latency`: the fake API server on loopback (real HTTP, TLS, TimeProvider.System), a workflow of 1,000 running HyperFlow
/// tasks, the sentinel through DI with the real KubernetesClient in watch mode, and a real-time driver that writes a
/// background of pod events and injects OOM kills, failures and evictions at known instants. Measures, per injection, the
/// wall-clock delay from the server having stored the pod's new state to the matching report leaving <c>await foreach</c>,
/// and the process's CPU time per wall second, with and without tick-on-change at the same event rate.
/// </summary>
internal static class LatencyHarness
{
    private const string Namespace = "wf-latency";
    private const string EnginePod = "hyperflow-engine-0";
    private const int WarmUpInjections = 8;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);

    public static async Task RunAsync(LatencyOptions options)
    {
        Console.WriteLine($"latency: {options.Tasks:N0} tasks, {options.Rate:0} background pod events/s, {options.Injections} injections over {options.Duration.TotalSeconds:0} s, poll {Poll.TotalSeconds:0} s, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var results = new List<LatencyResult>();
        foreach (var background in options.Backgrounds)
        {
            if (options.DriverOnly)
            {
                await DriverOnlyAsync(options, background);
                continue;
            }

            foreach (var tickOnChange in new[] { false, true })
            {
                var result = await RunOnceAsync(options, background, tickOnChange);
                results.Add(result);
                Console.WriteLine(result.Line());
            }
        }

        Console.WriteLine();
        Console.WriteLine("| background | tick on change | injections matched | p50 | p99 | max | ticks (per s) | CPU s per wall s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var result in results)
        {
            Console.WriteLine(result.Row());
        }
    }

    private static async Task<LatencyResult> RunOnceAsync(LatencyOptions options, Background background, bool tickOnChange)
    {
        var injected = options.Injections + WarmUpInjections;
        if (options.Tasks < injected + 10)
        {
            throw new ArgumentException($"--tasks must be at least {injected + 10} for {options.Injections} injections.");
        }

        await using var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { Time = TimeProvider.System });
        var workflow = new LiveWorkflow(options.Tasks, DateTimeOffset.UtcNow);
        foreach (var job in workflow.Jobs)
        {
            server.Store.Upsert("jobs", HyperFlowObjects.ToNode(job));
        }

        foreach (var pod in workflow.Pods)
        {
            server.Store.Upsert("pods", HyperFlowObjects.ToNode(pod));
        }

        server.Store.Upsert("pods", HyperFlowObjects.ToNode(workflow.Objects.EnginePod(EnginePod, workflow.CreatedAt)));

        // Tasks 0..injected-1 are injected (the first few as a warm-up); the rest carry the background.
        var backgroundTasks = Enumerable.Range(injected, options.Tasks - injected).ToArray();
        var variants = backgroundTasks.Select(i => Variants(workflow.Pods[i], background)).ToArray();
        var plan = Plan(options, injected);

        var ticks = new TickCounter();
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(server.ClientConfiguration));
        services.AddExecutionSentinel(o =>
            {
                o.PollInterval = Poll;
                o.WatchTimeout = TimeSpan.FromHours(1);
                o.TickOnChange = tickOnChange;
            })
            .UseKubernetes(o => o.Mode = KubernetesProbeMode.Watch)
            .AddDetector(ticks);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var sentinel = provider.GetRequiredService<ISentinel>();

        using var stop = new CancellationTokenSource();
        var received = new ConcurrentDictionary<(ReportKind, string), long>();
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var report in sentinel.WatchAsync(workflow.Context, stop.Token))
                {
                    var at = Stopwatch.GetTimestamp(); // As the report leaves the enumerator.
                    if (report.TaskName is { } task)
                    {
                        received.TryAdd((report.Kind, task), at);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        // Attach (the first tick, after both lists), then a warm-up: one injection of each kind twice, so that what is
        // measured is not the JIT compiling the report paths; its reports are awaited (a poll at most).
        await WaitUntilAsync(() => ticks.Count >= 1, TimeSpan.FromSeconds(30), "the sentinel's first tick");
        var warmUp = new List<Injection>();
        for (var i = 0; i < WarmUpInjections; i++)
        {
            warmUp.Add(Inject(server, workflow, new Injection(i, (InjectionKind)(i % 4), TimeSpan.Zero)));
        }

        await WaitUntilAsync(() => warmUp.All(w => received.ContainsKey((w.Expected, w.TaskName))), Poll + TimeSpan.FromSeconds(5), "the warm-up's reports");

        // The measured run: in real time, a background of pod events at the rate, and the injections at their instants.
        var ticksBefore = ticks.Count;
        var execsBefore = Execs(server);
        var (done, wall, cpu, backgroundSent) = await DriveAsync(server, workflow, variants, plan, options);
        var measuredTicks = ticks.Count - ticksBefore;
        var execs = Execs(server) - execsBefore;

        // Reports still on their way: tick-bound ones wait up to a poll.
        await WaitUntilAsync(() => done.All(d => received.ContainsKey((d.Expected, d.TaskName))), Poll + TimeSpan.FromSeconds(5), null);
        await stop.CancelAsync();
        await consumer;

        var delays = done
            .Where(d => received.ContainsKey((d.Expected, d.TaskName)))
            .Select(d => Stopwatch.GetElapsedTime(d.StoredAt, received[(d.Expected, d.TaskName)]))
            .Order()
            .ToArray();
        return new LatencyResult(background, tickOnChange, done.Count, delays, measuredTicks, wall, cpu, backgroundSent, execs);
    }

    /// <summary>
    /// `--driver-only`: the same server, workflow, background and injections with no sentinel watching, so that the CPU the
    /// driver and the store take is known apart from what serving watches, the client and the sentinel add.
    /// </summary>
    private static async Task DriverOnlyAsync(LatencyOptions options, Background background)
    {
        var injected = options.Injections + WarmUpInjections;
        await using var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { Time = TimeProvider.System });
        var workflow = new LiveWorkflow(options.Tasks, DateTimeOffset.UtcNow);
        foreach (var job in workflow.Jobs)
        {
            server.Store.Upsert("jobs", HyperFlowObjects.ToNode(job));
        }

        foreach (var pod in workflow.Pods)
        {
            server.Store.Upsert("pods", HyperFlowObjects.ToNode(pod));
        }

        var variants = Enumerable.Range(injected, options.Tasks - injected).Select(i => Variants(workflow.Pods[i], background)).ToArray();
        var (done, wall, cpu, sent) = await DriveAsync(server, workflow, variants, Plan(options, injected), options);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  background {background}, no sentinel: {done.Count} injections, {sent / wall.TotalSeconds:0} background events/s; CPU {cpu.TotalSeconds / wall.TotalSeconds:0.000} s/s"));
    }

    private static async Task<(List<Injection> Done, TimeSpan Wall, TimeSpan Cpu, long BackgroundSent)> DriveAsync(
        FakeKubeApiServer server, LiveWorkflow workflow, JsonObject[][] variants, List<Injection> plan, LatencyOptions options)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        long backgroundSent = 0;
        var next = 0;
        var done = new List<Injection>(plan.Count);
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= options.Duration && next == plan.Count)
            {
                break;
            }

            var due = (long)(Math.Min(elapsed.TotalSeconds, options.Duration.TotalSeconds) * options.Rate);
            for (; backgroundSent < due; backgroundSent++)
            {
                var at = (int)(backgroundSent % variants.Length);
                var flip = (int)((backgroundSent / variants.Length) & 1); // Changed on the first pass, back on the second.
                server.Store.Upsert("pods", variants[at][1 - flip].DeepClone().AsObject());
            }

            for (; next < plan.Count && plan[next].At <= elapsed; next++)
            {
                done.Add(Inject(server, workflow, plan[next]));
            }

            await Task.Delay(1);
        }

        var wall = Stopwatch.GetElapsedTime(started);
        process.Refresh();
        return (done, wall, process.TotalProcessorTime - cpuBefore, backgroundSent);
    }

    /// <summary>The injections of a run, spread evenly over it with a jitter (so that they are not in step with the poll), kinds in turn.</summary>
    private static List<Injection> Plan(LatencyOptions options, int injected)
    {
        var random = new Random(20261126);
        var slot = options.Duration / options.Injections;
        return Enumerable.Range(0, options.Injections)
            .Select(k => new Injection(WarmUpInjections + k, (InjectionKind)(k % 4), (slot * k) + (slot * random.NextDouble())))
            .Where(i => i.Task < injected)
            .ToList();
    }

    /// <summary>
    /// Writes what the kubelet writes first (the pod's terminated state), timestamps it as stored, then the Job controller's
    /// update of the Job: the delay measured covers both.
    /// </summary>
    private static Injection Inject(FakeKubeApiServer server, LiveWorkflow workflow, Injection injection)
    {
        var (pod, job) = Failed(workflow.Pods[injection.Task], workflow.Jobs[injection.Task], injection.Kind);
        server.Store.Upsert("pods", HyperFlowObjects.ToNode(pod));
        var storedAt = Stopwatch.GetTimestamp();
        server.Store.Upsert("jobs", HyperFlowObjects.ToNode(job));
        return injection with { StoredAt = storedAt, TaskName = workflow.TaskNames[injection.Task] };
    }

    private static (V1Pod Pod, V1Job Job) Failed(V1Pod running, V1Job job, InjectionKind kind)
    {
        var now = DateTime.UtcNow;
        var started = running.Status.ContainerStatuses[0].State.Running.StartedAt;
        var (reason, exitCode) = kind switch
        {
            InjectionKind.OomKilledFinal or InjectionKind.OomKilledRetried => ("OOMKilled", 137),
            InjectionKind.Evicted => ("ContainerStatusUnknown", 137),
            _ => ("Error", 1),
        };
        var status = new V1PodStatus
        {
            Phase = "Failed",
            QosClass = "Burstable",
            StartTime = running.Status.StartTime,
            Conditions =
            [
                new V1PodCondition { Type = "PodScheduled", Status = "True" },
                new V1PodCondition { Type = "Ready", Status = "False", Reason = "PodFailed" },
            ],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "test", Image = "image", ImageID = "image-id", Ready = false, Started = false,
                    State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = reason, ExitCode = exitCode, StartedAt = started, FinishedAt = now } },
                },
            ],
        };
        if (kind == InjectionKind.Evicted)
        {
            status.Reason = "Evicted";
            status.Message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.";
            status.Conditions.Add(new V1PodCondition { Type = "DisruptionTarget", Status = "True", Reason = "TerminationByKubelet", LastTransitionTime = now });
        }

        var pod = new V1Pod { ApiVersion = running.ApiVersion, Kind = running.Kind, Metadata = running.Metadata, Spec = running.Spec, Status = status };
        var jobStatus = new V1JobStatus { StartTime = job.Status.StartTime, Failed = 1, Conditions = [] };
        if (kind is InjectionKind.OomKilledFinal or InjectionKind.Failed)
        {
            // backoffLimit reached: the Job fails.
            jobStatus.Conditions.Add(new V1JobCondition { Type = "FailureTarget", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit", LastTransitionTime = now });
            jobStatus.Conditions.Add(new V1JobCondition { Type = "Failed", Status = "True", Reason = "BackoffLimitExceeded", Message = "Job has reached the specified backoff limit", LastTransitionTime = now });
        }

        // Otherwise the Job retries: no pod active while the controller backs off before the next one.
        return (pod, new V1Job { ApiVersion = job.ApiVersion, Kind = job.Kind, Metadata = job.Metadata, Spec = job.Spec, Status = jobStatus });
    }

    /// <summary>The two states a background pod alternates between, as JSON ready to store (a copy is stored each time).</summary>
    private static JsonObject[] Variants(V1Pod pod, Background background) =>
        [HyperFlowObjects.ToNode(Variant(pod, background, false)), HyperFlowObjects.ToNode(Variant(pod, background, true))];

    private static V1Pod Variant(V1Pod pod, Background background, bool flipped)
    {
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
        if (background == Background.Node)
        {
            copy.Spec.NodeName = flipped ? "node-b" : "node-a";
        }
        else
        {
            var ready = !flipped;
            copy.Status.Conditions.First(c => c.Type == "Ready").Status = ready ? "True" : "False";
            copy.Status.ContainerStatuses[0].Ready = ready;
        }

        return copy;
    }

    /// <summary>The exec requests the server has received: each observation reads the engine's signal file by <c>cat</c> over exec.</summary>
    private static int Execs(FakeKubeApiServer server) => server.Requests.Count(r => r.Contains("/exec", StringComparison.Ordinal));

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string? what)
    {
        var until = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                if (what is null)
                {
                    return;
                }

                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            }

            await Task.Delay(5);
        }
    }

    private enum InjectionKind
    {
        OomKilledFinal,
        Failed,
        OomKilledRetried,
        Evicted,
    }

    private sealed record Injection(int Task, InjectionKind Kind, TimeSpan At)
    {
        public long StoredAt { get; init; }

        public string TaskName { get; init; } = "";

        public ReportKind Expected => Kind switch
        {
            InjectionKind.OomKilledFinal or InjectionKind.OomKilledRetried => ReportKind.OomKill,
            InjectionKind.Evicted => ReportKind.PodEvicted,
            _ => ReportKind.TaskFailed,
        };
    }

    private sealed record LatencyResult(
        Background Background, bool TickOnChange, int Injected, TimeSpan[] Delays, int Ticks, TimeSpan Wall, TimeSpan Cpu, long BackgroundEvents, int Execs)
    {
        private TimeSpan Percentile(double p) => Delays.Length == 0 ? TimeSpan.Zero : Delays[Math.Clamp((int)Math.Ceiling(p * Delays.Length) - 1, 0, Delays.Length - 1)];

        private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"  background {Background}, tick on change {TickOnChange}: {Delays.Length}/{Injected} matched, p50 {Ms(Percentile(0.50))}, p99 {Ms(Percentile(0.99))}, max {Ms(Percentile(1))}; {Ticks} ticks and {Execs} execs (the engine's signal) in {Wall.TotalSeconds:0.0} s; {BackgroundEvents / Wall.TotalSeconds:0} background events/s; CPU {Cpu.TotalSeconds / Wall.TotalSeconds:0.000} s/s");

        public string Row() => string.Create(CultureInfo.InvariantCulture,
            $"| {Background} | {(TickOnChange ? "yes" : "no (today)")} | {Delays.Length}/{Injected} | {Ms(Percentile(0.50))} | {Ms(Percentile(0.99))} | {Ms(Percentile(1))} | {Ticks} ({Ticks / Wall.TotalSeconds:0.00}) | {Cpu.TotalSeconds / Wall.TotalSeconds:0.000} |");
    }


    /// <summary>
    /// A workflow of running tasks created now (the task types of the 1000genome trace), each expected to run an hour so
    /// that no straggler fires during the run.
    /// </summary>
    private sealed class LiveWorkflow
    {
        public LiveWorkflow(int tasks, DateTimeOffset created)
        {
            CreatedAt = created;
            var types = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001").MedianRuntimes().Keys.Order(StringComparer.Ordinal).ToArray();
            Objects = HyperFlowObjects.FromHyperFlowTemplate(Namespace);
            var specs = new List<TaskSpec>(tasks);
            Jobs = new V1Job[tasks];
            Pods = new V1Pod[tasks];
            TaskNames = new string[tasks];
            for (var i = 0; i < tasks; i++)
            {
                var type = types[i % types.Length];
                var name = string.Create(CultureInfo.InvariantCulture, $"{type}_ID{i:D7}");
                TaskNames[i] = name;
                specs.Add(new TaskSpec { Name = name, TaskType = type, ExpectedDuration = TimeSpan.FromHours(1), DagOrder = i });
                var job = Objects.Job(HyperFlowObjects.JobName(type, i), name, created);
                Jobs[i] = job;
                var pod = Objects.Pod(job, 1, created);
                pod.Spec.NodeName = "node-a";
                pod.Status = new V1PodStatus
                {
                    Phase = "Running",
                    QosClass = "Burstable",
                    StartTime = created.UtcDateTime,
                    Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }, new V1PodCondition { Type = "Ready", Status = "True" }],
                    ContainerStatuses = [HyperFlowObjects.Running("test", created.AddSeconds(2))],
                };
                Pods[i] = pod;
            }

            Context = new MonitoringContext { Namespace = Namespace, EnginePodName = EnginePod, TaskInventory = specs };
        }

        public DateTimeOffset CreatedAt { get; }

        public HyperFlowObjects Objects { get; }

        public MonitoringContext Context { get; }

        public V1Job[] Jobs { get; }

        public V1Pod[] Pods { get; }

        public string[] TaskNames { get; }
    }
}
