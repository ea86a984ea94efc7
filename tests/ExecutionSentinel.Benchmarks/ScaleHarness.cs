using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using ExecutionSentinel.Detection;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Benchmarks;

/// <summary>
/// `--scale`: what it costs one process to watch one large workflow. Three processes, so that each figure is the watching
/// process's own: the fake API server with N HyperFlow Jobs and N running pods (a child, `--scale-server`), and for each
/// measurement a fresh watcher (a child, `--scale-watch`) that attaches with the real KubernetesClient through DI and
/// reports its own CPU time and peak RSS (VmHWM). The orchestrator only starts them and passes lines between them.
/// </summary>
internal static class ScaleHarness
{
    private const string Namespace = "wf-scale";
    private const string EnginePod = "hyperflow-engine-0";

    /// <summary>The orchestrator: one server per size, then <paramref name="repeats"/> fresh watchers per mode.</summary>
    public static async Task RunAsync(int[] sizes, int repeats, double rate, int seconds, string[] modes)
    {
        // Modes: poll, watch-readiness (events the facts do not hold: the view is kept current, no tick is woken),
        // watch-node (every event changes a fact and wakes a tick: the worst case).
        await RunAllAsync(sizes, repeats, rate, seconds, modes);
    }

    private static async Task RunAllAsync(int[] sizes, int repeats, double rate, int seconds, string[] modes)
    {
        Console.WriteLine($"scale: {Environment.ProcessorCount} cores, .NET {Environment.Version}, GC server={System.Runtime.GCSettings.IsServerGC}, "
            + $"DOTNET_gcServer={Environment.GetEnvironmentVariable("DOTNET_gcServer") ?? "unset"}");
        foreach (var tasks in sizes)
        {
            using var server = Child($"--scale-server --tasks {tasks}");
            // The server's certificate authority is made per process: the children that talk to it are handed its PEM.
            var (address, authority) = await ExpectAsync(server, "READY ") is var ready && ready.Split(' ') is [var a, var ca] ? (a, ca) : throw new InvalidOperationException(ready);
            Console.WriteLine($"{tasks:N0} tasks: server at {address}");
            var rows = new List<string>();
            foreach (var mode in modes)
            {
                for (var i = 0; i < repeats; i++)
                {
                    rows.Add(mode == "kubectl" ? await KubectlAsync(address, authority) : await MeasureAsync(server, address, authority, tasks, mode, rate, seconds));
                    Console.WriteLine("  " + rows[^1]);
                }
            }

            await server.StandardInput.WriteLineAsync("quit");
            await server.WaitForExitAsync();
        }
    }

    private static async Task<string> MeasureAsync(Process server, string address, string authority, int tasks, string mode, double rate, int seconds)
    {
        var background = mode.StartsWith("watch-", StringComparison.Ordinal) ? mode[6..] : "node";
        mode = mode.StartsWith("watch", StringComparison.Ordinal) ? "watch" : mode;
        using var watcher = Child($"--scale-watch --tasks {tasks} --mode {mode} --server {address} --ca {authority}");
        await ExpectAsync(watcher, "ATTACHED");
        if (mode == "watch")
        {
            // The server writes events at the rate for the window; the watcher measures its own CPU over the same window.
            await watcher.StandardInput.WriteLineAsync("start");
            await ExpectAsync(watcher, "STARTED");
            await server.StandardInput.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"events {rate} {seconds} {background}"));
            var sent = await ExpectAsync(server, "DONE ");
            await watcher.StandardInput.WriteLineAsync("stop " + sent);
        }

        var result = await ExpectAsync(watcher, "RESULT ");
        await watcher.WaitForExitAsync();
        return mode == "watch" ? $"{background} {result}" : result;
    }

    /// <summary>
    /// kubectl's poll on the same server: `kubectl get jobs,pods -o json` over TLS with the admin token (kubectl sends a
    /// bearer token only over TLS), its output discarded; its own CPU and peak RSS from GNU time.
    /// </summary>
    private static async Task<string> KubectlAsync(string address, string authority)
    {
        var directory = Directory.CreateTempSubdirectory("sentinel-scale-");
        try
        {
            var kubeconfig = Path.Combine(directory.FullName, "kubeconfig");
            await File.WriteAllTextAsync(kubeconfig, $$"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: {{address}}
                    certificate-authority: {{authority}}
                users:
                - name: admin
                  user:
                    token: {{FakeAuth.AdminToken}}
                contexts:
                - name: fake
                  context: {cluster: fake, user: admin, namespace: {{Namespace}}}
                current-context: fake
                """);
            var timings = Path.Combine(directory.FullName, "time");
            var start = new ProcessStartInfo("/usr/bin/time", ["-o", timings, "-f", "%U %S %M %e", "kubectl", "--kubeconfig", kubeconfig, "get", "jobs,pods", "-o", "json"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var kubectl = Process.Start(start)!;
            var bytes = 0L;
            var buffer = new char[64 * 1024];
            var errors = kubectl.StandardError.ReadToEndAsync();
            while (await kubectl.StandardOutput.ReadAsync(buffer) is var read && read > 0)
            {
                bytes += read;
            }

            await kubectl.WaitForExitAsync();
            if (kubectl.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl failed ({kubectl.ExitCode}): {await errors}");
            }

            var parts = (await File.ReadAllTextAsync(timings)).Trim().Split(' ');
            var cpu = double.Parse(parts[0], CultureInfo.InvariantCulture) + double.Parse(parts[1], CultureInfo.InvariantCulture);
            var rss = long.Parse(parts[2], CultureInfo.InvariantCulture) / 1024;
            return string.Create(CultureInfo.InvariantCulture, $"kubectl: CPU {cpu:0.00} s per poll, wall {parts[3]} s, peak RSS {rss} MiB, {bytes / (1024 * 1024)} MiB of JSON");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>`--scale-server`: the fake API server (HTTPS on loopback, as kubectl needs) with the workflow; writes events when told.</summary>
    public static async Task ServeAsync(int tasks)
    {
        await using var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { Time = TimeProvider.System, UseTls = true });
        var workflow = new ScaleWorkflow(tasks, DateTimeOffset.UtcNow);
        var podNames = new string[tasks];
        for (var i = 0; i < tasks; i++)
        {
            var pod = workflow.Pod(i);
            podNames[i] = pod.Metadata.Name;
            server.Store.Upsert("jobs", HyperFlowObjects.ToNode(workflow.Job(i)));
            server.Store.Upsert("pods", HyperFlowObjects.ToNode(pod));
        }

        server.Store.Upsert("pods", HyperFlowObjects.ToNode(workflow.Objects.EnginePod(EnginePod, workflow.CreatedAt)));
        var authority = Path.Combine(Path.GetTempPath(), $"sentinel-scale-ca-{Environment.ProcessId}.pem");
        await File.WriteAllTextAsync(authority, ServerCertificate.AuthorityPem);
        Console.WriteLine("READY " + server.Address.ToString().TrimEnd('/') + " " + authority);
        using var removeAuthority = new FileRemover(authority);
        // One round-robin position per kind of event, so that every event of a kind flips its field (a node event that
        // wrote the node the pod already has would change nothing).
        var next = new Dictionary<bool, int> { [true] = 0, [false] = 0 };
        while (await Console.In.ReadLineAsync() is { } line && line != "quit")
        {
            var parts = line.Split(' ');
            if (parts[0] != "events")
            {
                continue;
            }

            // Pod events spread evenly over the window, round-robin over the tasks: the node flips (a fact the sentinel
            // holds: every event matters) or the Ready condition flips (a readiness probe flapping: no fact changes).
            var readiness = parts.Length > 3 && parts[3] == "readiness";
            var rate = double.Parse(parts[1], CultureInfo.InvariantCulture);
            var window = TimeSpan.FromSeconds(double.Parse(parts[2], CultureInfo.InvariantCulture));
            var started = Stopwatch.GetTimestamp();
            long sent = 0;
            while (Stopwatch.GetElapsedTime(started) is var elapsed && elapsed < window)
            {
                var due = (long)(elapsed.TotalSeconds * rate);
                for (; sent < due; sent++, next[readiness]++)
                {
                    var i = next[readiness] % tasks;
                    var flip = (next[readiness] / tasks) % 2 == 0;
                    server.Store.Update("pods", Namespace, podNames[i], readiness
                        ? pod => pod["status"]!["conditions"]![1]!["status"] = flip ? "False" : "True"
                        : pod => pod["spec"]!["nodeName"] = flip ? "node-b" : "node-a");
                }

                await Task.Delay(5);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DONE {sent}"));
        }
    }

    /// <summary>`--scale-watch`: one watch of the workflow, in this process; prints its own CPU and peak RSS.</summary>
    public static async Task WatchAsync(int tasks, string mode, string address, string authority)
    {
        var workflow = new ScaleWorkflow(tasks, DateTimeOffset.UtcNow);
        var ticks = new TickCounter();
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = address, AccessToken = FakeAuth.AdminToken, SslCaCerts = [X509Certificate2.CreateFromPem(File.ReadAllText(authority))] }));
        services.AddExecutionSentinel(o =>
            {
                o.PollInterval = mode == "poll" ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);
                o.WatchTimeout = TimeSpan.FromHours(1);
            })
            .UseKubernetes(o => o.Mode = mode == "poll" ? KubernetesProbeMode.Poll : KubernetesProbeMode.Watch)
            .AddDetector(ticks);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var sentinel = provider.GetRequiredService<ISentinel>();
        using var stop = new CancellationTokenSource();
        var attachStarted = Stopwatch.GetTimestamp();
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var report in sentinel.WatchAsync(workflow.Context, stop.Token))
                {
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        while (ticks.Count < 1)
        {
            await Task.Delay(10);
        }

        var attach = Stopwatch.GetElapsedTime(attachStarted);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine("ATTACHED");
        string result;
        if (mode == "poll")
        {
            // Poll mode lists everything on every tick; the interval (1 s) is shorter than a tick at this size, so ticks
            // run back to back and wall per tick is the tick's own duration (or 1 s, whichever is longer).
            var measured = 5;
            var first = ticks.Count;
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.GetTimestamp();
            while (ticks.Count < first + measured)
            {
                await Task.Delay(5);
            }

            process.Refresh();
            var perTick = (process.TotalProcessorTime - cpu).TotalSeconds / measured;
            result = string.Create(CultureInfo.InvariantCulture,
                $"poll: CPU {perTick:0.000} s per tick, wall {Stopwatch.GetElapsedTime(wall).TotalSeconds / measured:0.00} s per tick, attach {attach.TotalSeconds:0.00} s, peak RSS {PeakMemory.PeakRssMiB()} MiB");
        }
        else
        {
            await ExpectStdinAsync("start");
            GC.Collect();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var wall = Stopwatch.GetTimestamp();
            var ticksBefore = ticks.Count;
            Console.WriteLine("STARTED");
            var sent = long.Parse((await ExpectStdinAsync("stop "))[5..], CultureInfo.InvariantCulture);
            process.Refresh();
            var seconds = Stopwatch.GetElapsedTime(wall).TotalSeconds;
            var used = (process.TotalProcessorTime - cpu).TotalSeconds;
            result = string.Create(CultureInfo.InvariantCulture,
                $"watch: {sent / seconds:0} events/s for {seconds:0.0} s: CPU {used / seconds:0.0000} s per s, {ticks.Count - ticksBefore} ticks, attach {attach.TotalSeconds:0.00} s, "
                + $"peak RSS {PeakMemory.PeakRssMiB()} MiB, RSS now {process.WorkingSet64 / (1024 * 1024)} MiB, managed heap {GC.GetTotalMemory(true) / (1024 * 1024)} MiB");
        }

        await stop.CancelAsync();
        await consumer;
        Console.WriteLine("RESULT " + result);
    }

    private static async Task<string> ExpectStdinAsync(string prefix)
    {
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"stdin ended before '{prefix}'.");
    }

    private static Process Child(string arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!, $"\"{typeof(ScaleHarness).Assembly.Location}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        if (Environment.ProcessPath!.EndsWith("ExecutionSentinel.Benchmarks", StringComparison.Ordinal))
        {
            start.Arguments = arguments; // The apphost: no assembly path.
        }

        return Process.Start(start)!;
    }

    private static async Task<string> ExpectAsync(Process process, string prefix)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        throw new InvalidOperationException($"The child ended before '{prefix}'.");
    }


    /// <summary>N running HyperFlow tasks created now, each expected to run ten hours (no straggler fires while measuring).</summary>
    private sealed class ScaleWorkflow
    {
        private readonly string[] _types;
        private readonly int _tasks;

        public ScaleWorkflow(int tasks, DateTimeOffset created)
        {
            _tasks = tasks;
            CreatedAt = created;
            _types = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001").MedianRuntimes().Keys.Order(StringComparer.Ordinal).ToArray();
            Objects = HyperFlowObjects.FromHyperFlowTemplate(Namespace);
            var specs = new List<TaskSpec>(tasks);
            for (var i = 0; i < tasks; i++)
            {
                specs.Add(new TaskSpec { Name = TaskName(i), TaskType = Type(i), ExpectedDuration = TimeSpan.FromHours(10), DagOrder = i });
            }

            Context = new MonitoringContext { Namespace = Namespace, EnginePodName = EnginePod, TaskInventory = specs };
        }

        public DateTimeOffset CreatedAt { get; }

        public HyperFlowObjects Objects { get; }

        public MonitoringContext Context { get; }

        public V1Job Job(int i) => Objects.Job(HyperFlowObjects.JobName(Type(i), i), TaskName(i), CreatedAt);

        public V1Pod Pod(int i)
        {
            var pod = Objects.Pod(Job(i), 1, CreatedAt);
            pod.Spec.NodeName = "node-a";
            pod.Status = new V1PodStatus
            {
                Phase = "Running",
                QosClass = "Burstable",
                StartTime = CreatedAt.UtcDateTime,
                Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }, new V1PodCondition { Type = "Ready", Status = "True" }],
                ContainerStatuses = [HyperFlowObjects.Running("test", CreatedAt.AddSeconds(2))],
            };
            return pod;
        }

        private string Type(int i) => _types[i % _types.Length];

        private string TaskName(int i) => string.Create(CultureInfo.InvariantCulture, $"{Type(i)}_ID{i:D7}");
    }
}

/// <summary>Removes a file when disposed (the server's certificate authority, written for its children).</summary>
internal sealed class FileRemover(string path) : IDisposable
{
    public void Dispose() => File.Delete(path);
}
