using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ExecutionSentinel.Cli.Input;
using ExecutionSentinel.Cli.Output;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExecutionSentinel.Cli.Commands;

/// <summary>
/// <c>demo</c>: the embedded default. Replays a bundled real trace through the simulated cluster at accelerated
/// time, with injected faults, and prints the report stream and the summary.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace")
        {
            Description = $"A bundled trace ({string.Join(", ", WorkflowTrace.BundledNames)}) or the path of a trace file.",
            DefaultValueFactory = _ => WorkflowTrace.DefaultBundledName,
        };
        var speed = NumberOptions.Number("--speed", "Simulated seconds per real second.", 100);
        var faults = new Option<string[]>("--faults")
        {
            Description = $"Faults to inject, comma-separated: {string.Join(", ", DemoFaults.Names)}; 'none' for a healthy run.",
            DefaultValueFactory = _ => DemoFaults.Default,
            CustomParser = r => r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
        };
        var slots = NumberOptions.Integer("--slots", "Tasks the simulated cluster runs at once.", 8);
        var timeout = NumberOptions.Number("--timeout", "Watch timeout in (simulated) seconds.", 3600);
        var output = EnumNames.Option("--output", "text (a live view on a terminal, plain lines otherwise) or json (NDJSON).", OutputFormat.Text);

        var command = new Command("demo", "Replay a real workflow trace on a simulated cluster, with injected faults, and watch it.")
        {
            trace, speed, faults, slots, timeout, output,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            result.GetValue(trace)!,
            result.GetValue(speed),
            result.GetValue(faults) ?? [],
            result.GetValue(slots),
            result.GetValue(timeout),
            result.GetValue(output),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string traceName, double speed, string[] faultNames, int slots, double timeoutSeconds, OutputFormat output, CancellationToken cancellationToken)
    {
        WorkflowTrace trace;
        List<SimulatedFault> faults;
        try
        {
            // Slower than real time, a timer of a 30-day watch would outlast what .NET's timers take; faster than
            // 100,000x, the simulated clock would leave the calendar within weeks.
            if (!(speed >= 1 && speed <= 100_000))
            {
                throw new ArgumentException($"--speed must be from 1 to 100000 (was {speed.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (!(timeoutSeconds > 0 && timeoutSeconds <= 30 * 24 * 3600))
            {
                throw new ArgumentException($"--timeout must be more than 0 and at most 2592000 seconds, 30 days (was {timeoutSeconds.ToString(CultureInfo.InvariantCulture)}).");
            }

            if (slots is < 1 or > 100_000)
            {
                throw new ArgumentException($"--slots must be from 1 to 100000 (was {slots.ToString(CultureInfo.InvariantCulture)}).");
            }

            trace = LoadTrace(traceName);
            faults = faultNames is ["none"] ? [] : DemoFaults.For(trace, faultNames);
        }
        catch (Exception ex) when (ex is ArgumentException or InputException)
        {
            await Console.Error.WriteLineAsync($"execution-sentinel: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.UsageError;
        }

        var time = new AcceleratedTimeProvider(speed);
        var clusterOptions = new SimulatedClusterOptions { ParallelSlots = slots, DeleteFinishedAfter = TimeSpan.FromSeconds(100) };
        foreach (var fault in faults)
        {
            clusterOptions.Faults.Add(fault);
        }

        var cluster = new SimulatedCluster(trace, time, clusterOptions);
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddExecutionSentinel(o => o.WatchTimeout = TimeSpan.FromSeconds(timeoutSeconds))
            .UseSimulatedCluster(cluster)
            .AddWatchdog() // Observe only: the hang, stall and consistency detectors, no interventions.
            .Services;
        await using var provider = services.BuildServiceProvider();
        var sentinel = provider.GetRequiredService<ISentinel>();

        var header = new List<string>
        {
            $"Replaying trace '{trace.Name}' ({trace.Tasks.Count} tasks, {trace.Application}) at {speed}x on {slots} slots.",
            faults.Count == 0 ? "No faults injected." : "Injected faults: " + string.Join("; ", faults.Select(Describe)),
        };
        var startedAt = time.GetUtcNow();
        var presenter = Presenters.Create(output, startedAt, "simulated", time, TimeProvider.System);
        presenter.Begin(header);
        return await ReportLoop.RunAsync(presenter, sentinel.WatchAsync(cluster.CreateContext(), cancellationToken), startedAt, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A bundled trace by name, or a trace file; every problem names <c>--trace</c> and what it was given.</summary>
    private static WorkflowTrace LoadTrace(string name)
    {
        if (WorkflowTrace.BundledNames.Contains(name))
        {
            return WorkflowTrace.LoadBundled(name);
        }

        if (Directory.Exists(name))
        {
            throw new InputException($"--trace '{name}' is a directory, not a trace file.");
        }

        if (!File.Exists(name))
        {
            throw new InputException($"--trace '{name}' is neither a bundled trace ({string.Join(", ", WorkflowTrace.BundledNames)}) nor a file.");
        }

        try
        {
            return WorkflowTrace.Load(name);
        }
        catch (InvalidDataException ex) when (ex.InnerException is JsonException json)
        {
            // The library's message goes on with System.Text.Json's own ("Path: $ | LineNumber: 0 | BytePositionInLine: 0").
            throw new InputException($"--trace '{name}' is not a trace: not valid JSON at line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}.");
        }
        catch (InvalidDataException ex)
        {
            // "Trace 'NAME' has no 'tasks' array.", "Trace 'NAME' is invalid: …": said of the flag's value.
            var prefix = $"Trace '{Path.GetFileNameWithoutExtension(name)}' ";
            throw new InputException($"--trace '{name}' " + (ex.Message.StartsWith(prefix, StringComparison.Ordinal) ? ex.Message[prefix.Length..] : "is not a valid trace: " + ex.Message));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--trace '{name}' cannot be read: {ex.Message}");
        }
    }

    private static string Describe(SimulatedFault fault) => fault switch
    {
        OomKillFault f => $"OOM kill of {f.Task}",
        StragglerFault f => $"{f.Task} runs {f.Factor}x longer",
        EvictionFault f => $"eviction of {f.Task}",
        TaskFailureFault f => $"{f.Task} fails",
        HangFault f => $"{f.Task} hangs",
        VanishFault f => $"{f.Task} vanishes",
        UnschedulableFault f => $"{f.Task} unschedulable for {f.Duration.TotalSeconds} s",
        ProbeOutageFault f => $"API outage of {f.Duration.TotalSeconds} s at +{f.From.TotalSeconds} s",
        _ => fault.ToString(),
    };
}
