using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;

namespace ExecutionSentinel.Benchmarks.ManyWorkflows;

/// <summary>The options of <c>--workflows</c>.</summary>
internal sealed record ManyWorkflowsOptions(IReadOnlyList<int> Counts, int Repeat, double Speed, TimeSpan Poll);

/// <summary>
/// `--workflows 1,10,100,200`: N concurrent 52-task workflows (one namespace each) replayed in real time on the fake API
/// server (loopback, TLS) by this process, watched by a child process through the public API. Per N: whether every
/// summary is right (checked against the trace), the watching process's CPU (s per s) and peak RSS, the API requests per
/// second by verb and resource as the server counted them, and the exec calls per second. The server and the replay run
/// here, so their CPU is not the watcher's.
/// </summary>
internal static partial class ManyWorkflowsHarness
{
    public static async Task RunAsync(ManyWorkflowsOptions options)
    {
        var trace = ManyWorkflowsPlan.Trace(options.Speed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"workflows: {trace.Tasks.Count}-task {trace.Name} at {options.Speed:0.#}x (makespan {trace.Makespan.TotalSeconds:0} s), poll {options.Poll.TotalSeconds:0.#} s, watch mode, {options.Repeat} run(s) per count, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        var rows = new List<string>();
        foreach (var count in options.Counts)
        {
            var runs = new List<RunResult>();
            for (var i = 0; i < options.Repeat; i++)
            {
                var run = await RunOnceAsync(count, options, trace);
                Console.WriteLine("  " + run.Line());
                runs.Add(run);
            }

            rows.Add(Median(count, runs));
        }

        Console.WriteLine();
        Console.WriteLine("| workflows | summaries right | watcher CPU (s/s) | peak RSS | API requests/s (by verb resource) | exec/s | exec/s per workflow | watch connections |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
    }

    private static async Task<RunResult> RunOnceAsync(int count, ManyWorkflowsOptions options, WorkflowTrace trace)
    {
        // The server sends bookmarks itself (once a minute, as a real one); the drivers do not add their own.
        await using var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { Time = TimeProvider.System });
        var drivers = Enumerable.Range(0, count)
            .Select(i => new HyperFlowClusterDriver(server, new SimulatedCluster(trace, TimeProvider.System), HyperFlowObjects.FromHyperFlowTemplate(ManyWorkflowsPlan.Namespace(i))) { BookmarkInterval = null })
            .ToArray();
        foreach (var driver in drivers)
        {
            driver.Sync(DateTimeOffset.UtcNow);
        }

        var requestsBefore = server.Requests.Count;
        using var watcher = StartWatcher(server.Address, count, options);
        var output = new List<string>();
        watcher.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (output)
                {
                    output.Add(line);
                }
            }
        };
        watcher.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine("  watcher: " + line);
            }
        };
        watcher.BeginOutputReadLine();
        watcher.BeginErrorReadLine();

        // The replay, in real time: every 100 ms each workflow's Jobs and pods are brought to where the trace says.
        var started = Stopwatch.GetTimestamp();
        var maxWatches = 0;
        var exited = watcher.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var driver in drivers)
            {
                driver.Sync(now);
            }

            maxWatches = Math.Max(maxWatches, server.Store.ActiveWatchCount);
            await Task.WhenAny(exited, Task.Delay(100));
        }

        await exited;
        var wall = Stopwatch.GetElapsedTime(started);
        var requests = server.Requests.Skip(requestsBefore).ToArray();
        lock (output)
        {
            return Result(count, trace, drivers, output, requests, wall, maxWatches, watcher.ExitCode);
        }
    }

    private static Process StartWatcher(Uri server, int count, ManyWorkflowsOptions options)
    {
        // The same program, as the child: through its apphost, or through `dotnet <dll>` when run that way.
        var host = Environment.ProcessPath!;
        var self = typeof(ManyWorkflowsHarness).Assembly.Location;
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment[ManyWorkflowsWatcher.AuthorityVariable] = ServerCertificate.AuthorityPem;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(self);
        }

        foreach (var arg in new[]
                 {
                     "--workflows-watcher", server.ToString(), count.ToString(CultureInfo.InvariantCulture),
                     options.Speed.ToString(CultureInfo.InvariantCulture), options.Poll.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static RunResult Result(int count, WorkflowTrace trace, HyperFlowClusterDriver[] drivers, List<string> output, string[] requests, TimeSpan wall, int maxWatches, int exitCode)
    {
        // The oracle is the trace: every task completed, none failed, the engine's exit code as the replay signalled it.
        var summaries = output.Where(l => l.StartsWith("summary ", StringComparison.Ordinal)).ToList();
        var expected = drivers.Select(d =>
                $"summary {d.Namespace} outcome=Completed completed={trace.Tasks.Count} failed=0 total={trace.Tasks.Count} exit=0")
            .ToHashSet(StringComparer.Ordinal);
        var right = summaries.Count(s => expected.Contains(s.Split(" reports=")[0]));
        foreach (var wrong in summaries.Where(s => !expected.Contains(s.Split(" reports=")[0])).Take(3))
        {
            Console.WriteLine("    wrong: " + wrong);
        }

        var process = output.LastOrDefault(l => l.StartsWith("process ", StringComparison.Ordinal));
        if (exitCode != 0 || process is null)
        {
            throw new InvalidOperationException($"The watching process failed (exit code {exitCode}): {string.Join(Environment.NewLine, output.TakeLast(20))}");
        }

        var figures = process["process ".Length..].Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        var watcherWall = figures["wall"];
        var byKind = requests.Select(Classify).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count() / watcherWall, StringComparer.Ordinal);
        return new RunResult(count, right, figures["cpu"], watcherWall, (long)figures["peak-rss"], byKind, maxWatches);
    }

    /// <summary>A request as "verb resource": list/watch/get pods or jobs, create pods/exec.</summary>
    private static string Classify(string request)
    {
        var match = RequestPattern().Match(request);
        if (!match.Success)
        {
            return "other";
        }

        var resource = match.Groups["resource"].Value;
        var name = match.Groups["name"].Success;
        var sub = match.Groups["sub"].Success ? "/" + match.Groups["sub"].Value : "";
        var watch = match.Groups["query"].Value.Contains("watch=true", StringComparison.Ordinal) || match.Groups["query"].Value.Contains("watch=1", StringComparison.Ordinal);
        return sub == "/exec" ? "create pods/exec"
            : match.Groups["method"].Value != "GET" ? $"{match.Groups["method"].Value.ToLowerInvariant()} {resource}{sub}"
            : watch ? $"watch {resource}"
            : name ? $"get {resource}{sub}"
            : $"list {resource}";
    }

    [GeneratedRegex(@"^(?<method>[A-Z]+) /apis?(?:/[a-z.]+)?/v1/namespaces/[^/?]+/(?<resource>[a-z]+)(?:/(?<name>[^/?]+))?(?:/(?<sub>[a-z]+))?(?<query>\?.*)?$")]
    private static partial Regex RequestPattern();

    private static string Median(int count, List<RunResult> runs)
    {
        static double Mid(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        var kinds = runs.SelectMany(r => r.Requests.Keys).Distinct().Order(StringComparer.Ordinal);
        var requests = string.Join(", ", kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k} {Mid(runs.Select(r => r.Requests.GetValueOrDefault(k))):0.00}")));
        var exec = Mid(runs.Select(r => r.Requests.GetValueOrDefault("create pods/exec")));
        return string.Create(CultureInfo.InvariantCulture,
            $"| {count} | {string.Join(" ", runs.Select(r => $"{r.Right}/{count}"))} | {Mid(runs.Select(r => r.Cpu / r.Wall)):0.000} | {Mid(runs.Select(r => (double)r.PeakRss)) / (1024 * 1024):0} MiB | {requests} | {exec:0.00} | {exec / count:0.000} | {Mid(runs.Select(r => (double)r.MaxWatches)):0} |");
    }

    private sealed record RunResult(int Count, int Right, double Cpu, double Wall, long PeakRss, Dictionary<string, double> Requests, int MaxWatches)
    {
        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"{Count} workflows: {Right}/{Count} summaries right; watcher CPU {Cpu:0.00} s in {Wall:0.0} s = {Cpu / Wall:0.000} s/s, peak RSS {PeakRss / (1024.0 * 1024):0} MiB; {MaxWatches} watch connections; requests/s: {string.Join(", ", Requests.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value:0.00}"))}");
    }
}
