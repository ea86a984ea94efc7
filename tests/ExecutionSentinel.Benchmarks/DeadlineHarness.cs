using System.Diagnostics;
using System.Globalization;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Benchmarks;

/// <summary>
/// `--deadlines`: how late straggler and pending-too-long reports come after their threshold is crossed, on fake time.
/// Every task of the bundled 1000genome trace gets a fault (half straggle, half stay unschedulable past the 5 min limit,
/// then the halves swap, with two sets of durations: four runs, 208 tasks); the simulated cluster signals its changes (as
/// the informers do) and fake time moves in 10 ms steps. The lateness is read from the reports themselves: straggler
/// elapsedSeconds − (expectedSeconds × 3 + 60), pending pendingSeconds − 300.
/// </summary>
internal static class DeadlineHarness
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private static readonly DateTimeOffset Epoch = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync()
    {
        var trace = WorkflowTrace.LoadBundled("1000genome-chameleon-2ch-100k-001");
        Console.WriteLine($"deadlines: trace {trace.Name} ({trace.Tasks.Count} tasks), every task faulted, 4 runs per mode, fake time in {Step.TotalMilliseconds:0} ms steps, poll 10 s, debounce 150 ms");
        Console.WriteLine("| tick on change | kind | reports / faults | p50 | p99 | max |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var tickOnChange in new[] { false, true })
        {
            var stragglers = new List<double>();
            var pending = new List<double>();
            int straggling = 0, unschedulable = 0;
            var watch = Stopwatch.StartNew();
            foreach (var (swap, factor, extra, stuck) in new[] { (false, 5.0, 3.0, 6.0), (true, 5.0, 3.0, 6.0), (false, 8.0, 5.0, 9.0), (true, 8.0, 5.0, 9.0) })
            {
                var time = new FakeTimeProvider(Epoch);
                var options = new SimulatedClusterOptions { SignalChanges = true };
                for (var i = 0; i < trace.Tasks.Count; i++)
                {
                    var task = trace.Tasks[i].Name;
                    if ((i % 2 == 0) != swap)
                    {
                        options.Faults.Add(SimulatedFault.Straggle(task, factor, TimeSpan.FromMinutes(extra)));
                        straggling++;
                    }
                    else
                    {
                        options.Faults.Add(SimulatedFault.Unschedulable(task, TimeSpan.FromMinutes(stuck)));
                        unschedulable++;
                    }
                }

                var cluster = new SimulatedCluster(trace, time, options);
                var services = new ServiceCollection();
                services.AddSingleton<TimeProvider>(time);
                services.AddExecutionSentinel(o =>
                    {
                        o.PollInterval = TimeSpan.FromSeconds(10);
                        o.WatchTimeout = TimeSpan.FromDays(1);
                        o.TickOnChange = tickOnChange;
                    })
                    .UseSimulatedCluster(cluster);
                await using var provider = services.BuildServiceProvider(validateScopes: true);
                var reports = await DriveAsync(provider.GetRequiredService<ISentinel>().WatchAsync(cluster.CreateContext()), time);
                foreach (var report in reports)
                {
                    if (report.Kind == ReportKind.Straggler)
                    {
                        stragglers.Add(Seconds(report, "elapsedSeconds") - ((Seconds(report, "expectedSeconds") * 3.0) + 60));
                    }
                    else if (report.Kind == ReportKind.PendingTooLong)
                    {
                        pending.Add(Seconds(report, "pendingSeconds") - 300);
                    }
                }
            }

            Console.WriteLine(Row(tickOnChange, "straggler", stragglers, straggling));
            Console.WriteLine(Row(tickOnChange, "pending too long", pending, unschedulable));
            Console.WriteLine(Row(tickOnChange, "both", [.. stragglers, .. pending], straggling + unschedulable));
            Console.Error.WriteLine($"  (tick on change {tickOnChange}: {watch.Elapsed.TotalSeconds:0} s of real time)");
        }
    }

    /// <summary>Consumes a watch to its end on fake time: whenever it waits, time moves on by one step.</summary>
    private static async Task<List<SentinelReport>> DriveAsync(IAsyncEnumerable<SentinelReport> stream, FakeTimeProvider time)
    {
        var reports = new List<SentinelReport>();
        var enumerator = stream.GetAsyncEnumerator();
        await using (enumerator)
        {
            var steps = 0;
            while (true)
            {
                var move = enumerator.MoveNextAsync().AsTask();
                while (!move.IsCompleted)
                {
                    if (++steps > 50_000_000)
                    {
                        throw new TimeoutException("The watch did not end within 50,000,000 steps.");
                    }

                    time.Advance(Step);
                    if (!move.IsCompleted)
                    {
                        await Task.Yield();
                    }
                }

                if (!await move)
                {
                    return reports;
                }

                reports.Add(enumerator.Current);
            }
        }
    }

    private static double Seconds(SentinelReport report, string key) => double.Parse(report.Details[key], CultureInfo.InvariantCulture);

    private static string Row(bool tickOnChange, string kind, List<double> lateness, int faults)
    {
        lateness.Sort();
        string Ms(double p) => lateness.Count == 0
            ? "-"
            : (lateness[Math.Clamp((int)Math.Ceiling(p * lateness.Count) - 1, 0, lateness.Count - 1)] * 1000).ToString("0", CultureInfo.InvariantCulture) + " ms";
        return $"| {(tickOnChange ? "yes" : "no (today)")} | {kind} | {lateness.Count} / {faults} | {Ms(0.5)} | {Ms(0.99)} | {Ms(1)} |";
    }
}
