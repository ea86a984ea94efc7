using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Kubernetes;
using k8s;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Benchmarks.ManyWorkflows;

/// <summary>
/// The watching process of <c>--workflows</c> (started by the driving process as <c>--workflows-watcher</c>): what an
/// application watching N workflows does, through the public API only (one <c>AddExecutionSentinel</c> +
/// <c>UseKubernetes</c>, one <c>WatchAsync</c> per workflow), and nothing else, so that its CPU and memory are the
/// sentinel's alone. It prints one line per finished watch, then its own CPU time, wall time and peak RSS.
/// </summary>
internal static class ManyWorkflowsWatcher
{
    /// <summary>Set SENTINEL_BENCH_VERBOSE=1 to see every report on standard error.</summary>
    /// <summary>The environment variable that carries the fake server's certificate authority (PEM) to the watcher.</summary>
    public const string AuthorityVariable = "SENTINEL_BENCH_AUTHORITY";

    private static readonly bool Verbose = Environment.GetEnvironmentVariable("SENTINEL_BENCH_VERBOSE") == "1";

    public static async Task<int> RunAsync(Uri server, int workflows, double speed, TimeSpan poll)
    {
        var trace = ManyWorkflowsPlan.Trace(speed);
        var services = new ServiceCollection();
        services.AddSingleton<IKubernetes>(new k8s.Kubernetes(new KubernetesClientConfiguration
        {
            Host = server.ToString().TrimEnd('/'),
            AccessToken = FakeAuth.AdminToken,
            // The server's authority is made in the driving process, which hands it over (PEM) in the environment.
            SslCaCerts = server.Scheme == "https" ? [X509Certificate2.CreateFromPem(Environment.GetEnvironmentVariable(AuthorityVariable))] : null,
        }));
        services.AddExecutionSentinel(o =>
            {
                o.PollInterval = poll;
                o.WatchTimeout = TimeSpan.FromMinutes(30);
            })
            .UseKubernetes(o => o.Mode = KubernetesProbeMode.Watch);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var sentinel = provider.GetRequiredService<ISentinel>();

        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var watches = Enumerable.Range(0, workflows).Select(i => WatchAsync(sentinel, ManyWorkflowsPlan.Context(trace, i))).ToArray();
        var lines = await Task.WhenAll(watches);
        var wall = Stopwatch.GetElapsedTime(started);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"process cpu={cpu.TotalSeconds:0.000} wall={wall.TotalSeconds:0.000} peak-rss={PeakMemory.PeakRssBytes()}"));
        return 0;
    }

    /// <summary>Watches one workflow to its end; says how it ended, as the driving process checks it against the trace.</summary>
    private static async Task<string> WatchAsync(ISentinel sentinel, MonitoringContext context)
    {
        await Task.Yield();
        var kinds = new List<ReportKind>();
        WatchSummary? summary = null;
        await foreach (var report in sentinel.WatchAsync(context))
        {
            kinds.Add(report.Kind);
            if (Verbose)
            {
                Console.Error.WriteLine($"{context.Namespace} {report.Timestamp:HH:mm:ss.fff} {report.Kind}: {report.Message}");
            }
            summary ??= report.Summary;
        }

        return summary is null
            ? $"summary {context.Namespace} none"
            : string.Create(CultureInfo.InvariantCulture,
                $"summary {context.Namespace} outcome={summary.Outcome} completed={summary.CompletedTasks} failed={summary.FailedTasks} total={summary.TotalTasks} exit={summary.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"} reports={string.Join(',', kinds.Distinct())}");
    }
}
