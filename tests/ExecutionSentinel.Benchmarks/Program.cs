using System.Globalization;
using BenchmarkDotNet.Running;
using ExecutionSentinel.Benchmarks;
using ExecutionSentinel.Benchmarks.ManyWorkflows;

// `--memory` prints the cache's retained memory per task; anything else goes to BenchmarkDotNet (e.g. --filter '*').
if (args is ["--memory", ..])
{
    foreach (var tasks in new[] { 1_000, 10_000, 100_000 })
    {
        CacheMemory.Report(tasks);
    }

    return;
}

if (args is ["--profile", ..])
{
    foreach (var tasks in new[] { 10_000, 100_000 })
    {
        TickProfile.Run(tasks);
    }

    return;
}

// `--latency [--tasks N] [--rate R] [--injections K] [--seconds S] [--background readiness|node|both] [--driver-only]`: report latency in
// real time over the fake API server, with and without tick-on-change.
if (args is ["--latency", ..])
{
    var backgrounds = Option(args, "--background", "both") switch
    {
        "readiness" => new[] { Background.Readiness },
        "node" => [Background.Node],
        _ => [Background.Readiness, Background.Node],
    };
    await LatencyHarness.RunAsync(new LatencyOptions(
        int.Parse(Option(args, "--tasks", "1000"), CultureInfo.InvariantCulture),
        double.Parse(Option(args, "--rate", "200"), CultureInfo.InvariantCulture),
        int.Parse(Option(args, "--injections", "240"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(Option(args, "--seconds", "60"), CultureInfo.InvariantCulture)),
        backgrounds,
        args.Contains("--driver-only")));
    return;
}

// `--scale [--tasks 10000,100000] [--repeats 3] [--rate 200] [--seconds 30] [--modes watch-readiness,watch-node,poll,kubectl]`: one process
// watching one large workflow (the server and each watcher are child processes: `--scale-server`, `--scale-watch`).
if (args is ["--scale", ..])
{
    await ScaleHarness.RunAsync(
        Option(args, "--tasks", "10000").Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray(),
        int.Parse(Option(args, "--repeats", "3"), CultureInfo.InvariantCulture),
        double.Parse(Option(args, "--rate", "200"), CultureInfo.InvariantCulture),
        int.Parse(Option(args, "--seconds", "30"), CultureInfo.InvariantCulture),
        Option(args, "--modes", "watch-readiness,watch-node,poll,kubectl").Split(','));
    return;
}

if (args is ["--scale-server", ..])
{
    await ScaleHarness.ServeAsync(int.Parse(Option(args, "--tasks", "10000"), CultureInfo.InvariantCulture));
    return;
}

if (args is ["--scale-watch", ..])
{
    await ScaleHarness.WatchAsync(int.Parse(Option(args, "--tasks", "10000"), CultureInfo.InvariantCulture), Option(args, "--mode", "watch"), Option(args, "--server", ""), Option(args, "--ca", ""));
    return;
}

// `--deadlines`: straggler and pending-too-long lateness after their thresholds, on fake time.
if (args is ["--deadlines", ..])
{
    await DeadlineHarness.RunAsync();
    return;
}

// `--workflows 1,10,100,200 [--repeat 3] [--speed 10] [--poll 5]`: N concurrent 52-task workflows watched by one process
// (a child, so its CPU and memory are its own), against the fake API server in this one.
if (args is ["--workflows", ..])
{
    await ManyWorkflowsHarness.RunAsync(new ManyWorkflowsOptions(
        [.. Option(args, "--workflows", "1,10,100,200").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))],
        int.Parse(Option(args, "--repeat", "3"), CultureInfo.InvariantCulture),
        double.Parse(Option(args, "--speed", "10"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(Option(args, "--poll", "5"), CultureInfo.InvariantCulture))));
    return;
}

// The watching process of `--workflows`: server address, workflow count, speed-up, poll seconds.
if (args is ["--workflows-watcher", var address, var count, var speed, var poll])
{
    Environment.ExitCode = await ManyWorkflowsWatcher.RunAsync(
        new Uri(address),
        int.Parse(count, CultureInfo.InvariantCulture),
        double.Parse(speed, CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(poll, CultureInfo.InvariantCulture)));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(TickBenchmarks).Assembly).Run(args);

static string Option(string[] args, string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
