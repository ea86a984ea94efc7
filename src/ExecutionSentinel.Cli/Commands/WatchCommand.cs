using System.CommandLine;
using System.Net;
using System.Text.Json;
using ExecutionSentinel.Cli.Input;
using ExecutionSentinel.Cli.Output;
using ExecutionSentinel.Detectors;
using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Watchdog;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Cli.Commands;

/// <summary>
/// <c>watch</c>: the Python tool's command, as a drop-in. Reads a snake_case <c>context.json</c> (or stdin), the
/// <c>SENTINEL_*</c> variables (and a <c>.env</c> file), and watches the workflow on the cluster until it ends.
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var context = new Option<string>("--context") { Description = "The MonitoringContext as JSON (the Python tool's snake_case format); '-' reads standard input.", Required = true };
        var poll = NumberOptions.Seconds("--poll", "Seconds between observations, 0.1 to 3600 (SENTINEL_POLL_INTERVAL; default 10).");
        var timeout = NumberOptions.Seconds("--timeout", "Seconds to wait for the engine's completion signal, at most 30 days (SENTINEL_TIMEOUT; default 3600).");
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "The kubeconfig file (SENTINEL_KUBECONFIG; default $KUBECONFIG or ~/.kube/config, or in-cluster)." };
        var output = EnumNames.Option("--output", "text (a live view on a terminal, plain lines otherwise) or json (NDJSON).", OutputFormat.Text);
        var envFile = new Option<string>("--env-file") { Description = "A .env file with SENTINEL_* variables.", DefaultValueFactory = _ => ".env" };
        var mode = EnumNames.Option("--mode", "Watch (list then watch) or Poll (list every tick, for clusters that forbid watch).", KubernetesProbeMode.Watch);
        var checkpoints = new Option<string?>("--checkpoints") { Description = "A directory for checkpoints: a watch restarted after a crash does not repeat what it already reported." };
        var history = new Option<string?>("--history") { Description = "A directory for the durations of earlier runs: with the context's workflow_name, each task is expected to take what it took before." };
        var interventions = EnumNames.Option("--interventions", "Off (default: observe only), DryRun (report what would be done) or Enabled.", InterventionMode.Off);
        var act = new Option<string[]>("--act")
        {
            Description = "Map a report kind to an action, e.g. --act straggler=TerminateTask --act workflow-stalled=TerminateWorkflow (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new Command("watch", "Watch a running HyperFlow workflow on Kubernetes and report what goes wrong, until it ends.")
        {
            context, poll, timeout, kubeconfig, output, envFile, mode, checkpoints, history, interventions, act,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new WatchArguments(
                result.GetValue(context)!,
                result.GetValue(poll),
                result.GetValue(timeout),
                result.GetValue(kubeconfig),
                result.GetValue(output),
                result.GetValue(envFile)!,
                result.GetResult(envFile) is { Implicit: false },
                result.GetValue(mode),
                result.GetValue(checkpoints),
                result.GetValue(history),
                result.GetValue(interventions),
                result.GetValue(act) ?? []),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(WatchArguments arguments, CancellationToken cancellationToken)
    {
        SentinelEnvironment environment;
        WatchTimings timings;
        Kubeconfig kubeconfig;
        MonitoringContext context;
        Dictionary<string, InterventionAction> actions;
        string? checkpoints;
        string? history;
        try
        {
            environment = SentinelEnvironment.Read(Environment.GetEnvironmentVariable, arguments.EnvFile, required: arguments.EnvFileGiven);
            timings = WatchTimings.Resolve(arguments.Poll, arguments.Timeout, environment);
            actions = ParseActions(arguments.Act);
            if (arguments.Interventions == InterventionMode.Enabled && arguments.Checkpoints is null)
            {
                throw new InputException("--interventions Enabled needs --checkpoints DIR: the hourly limit of interventions is kept there, so that a restart does not reset it");
            }

            context = await ContextFile.ReadAsync(arguments.Context, Console.OpenStandardInput, cancellationToken).ConfigureAwait(false);
            kubeconfig = Kubeconfig.Resolve(arguments.Kubeconfig, environment.Kubeconfig, Environment.GetEnvironmentVariable);
            checkpoints = arguments.Checkpoints is { } directory ? Input.Checkpoints.Check(directory) : null; // Last: they create the directory.
            history = arguments.History is { } learned ? Input.Checkpoints.Check(learned, "--history") : null;
        }
        catch (InputException ex)
        {
            return await Fail(ExitCodes.UsageError, ex.Message).ConfigureAwait(false);
        }

        // The library's messages name its configuration keys and builder calls; the tool's user set flags and variables.
        var wording = ToolWording.ForWatch(timings, kubeconfig.Source);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .SetMinimumLevel(environment.LogLevel)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var builder = services.AddExecutionSentinel(o =>
            {
                o.PollInterval = timings.Poll ?? o.PollInterval;
                o.WatchTimeout = timings.Timeout ?? o.WatchTimeout;

                // A tool run by hand or by a script should say "forbidden" and stop (exit 69), not wait out the timeout.
                o.StopOnAccessDenied = true;
            })
            .ConfigureDetector<StragglerDetectorOptions>(o => o.Multiplier = timings.StragglerMultiplier ?? o.Multiplier)
            .ConfigureDetector<MassFailureDetectorOptions>(o => o.Threshold = timings.MassFailureThreshold ?? o.Threshold)
            .UseKubernetes(o =>
            {
                o.KubeconfigPath = kubeconfig.Path;
                o.UseInClusterConfig = kubeconfig.Path is null;
                o.Mode = arguments.Mode;
            });
        if (checkpoints is not null)
        {
            builder.UseCheckpoints(checkpoints);
        }

        if (history is not null)
        {
            builder.UseFileDurationBaselines(history);
        }

        // Always: the watchdog brings the hang, stall and consistency detectors. It only observes (interventions Off)
        // unless --interventions or --act ask for more.
        builder.AddWatchdog(o =>
        {
            o.Mode = arguments.Interventions;
            foreach (var (kind, action) in actions)
            {
                o.Actions[kind] = action;
            }
        });

        await using var provider = services.BuildServiceProvider();

        ISentinel sentinel;
        IKubernetes client;
        try
        {
            client = provider.GetRequiredService<IKubernetes>();
            sentinel = provider.GetRequiredService<ISentinel>();
        }
        catch (KubeConfigException ex)
        {
            return await Fail(ExitCodes.UsageError, kubeconfig.Explain(wording.Say(ex.Message))).ConfigureAwait(false);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return await Fail(ExitCodes.UsageError, wording.Settings(ex.Failures).Message).ConfigureAwait(false);
        }

        var (exit, problem) = await CheckReachableAsync(client, context, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return await Fail(exit, exit == ExitCodes.UsageError ? kubeconfig.Explain(wording.Say(problem)) : problem).ConfigureAwait(false);
        }

        var time = provider.GetRequiredService<TimeProvider>();
        var startedAt = time.GetUtcNow();
        IAsyncEnumerable<SentinelReport> reports;
        try
        {
            reports = sentinel.WatchAsync(context, cancellationToken);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return await Fail(ExitCodes.UsageError, wording.Settings(ex.Failures).Message).ConfigureAwait(false);
        }

        var presenter = Presenters.Create(arguments.Output, startedAt, "wall clock", time, time);
        presenter.Begin([$"Watching workflow in namespace '{context.Namespace}' (engine pod {context.EnginePodName}, {context.TaskInventory.Count} tasks)."]);
        return await ReportLoop.RunAsync(presenter, reports, startedAt, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One read of the engine pod before watching: an unreachable API server, a server that is not one, a refusal or a
    /// failing credential plugin is said at once, with its reason.
    /// </summary>
    /// <returns>No problem, or the exit code and the message.</returns>
    private static async Task<(int ExitCode, string? Problem)> CheckReachableAsync(IKubernetes client, MonitoringContext context, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromSeconds(15);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await client.CoreV1.ReadNamespacedPodAsync(context.EnginePodName, context.Namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            return (0, null);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            await Console.Error.WriteLineAsync($"execution-sentinel: warning: the engine pod '{context.EnginePodName}' is not in namespace '{context.Namespace}' (yet); watching anyway.").ConfigureAwait(false);
            return (0, null);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return (ExitCodes.ClusterUnreachable, $"the cluster at {Origin(client)} refused access ({(int)ex.Response.StatusCode}): check the credentials and RBAC (docs/rbac.yaml).");
        }
        catch (KubeConfigException ex)
        {
            // A credential plugin that fails when asked for a token: the kubeconfig's problem, said without its output.
            return (ExitCodes.UsageError, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (ExitCodes.ClusterUnreachable, $"cannot reach the cluster at {Origin(client)}: no answer within {limit.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.InvalidResponse && ex.Message.StartsWith("The server at ", StringComparison.Ordinal))
        {
            // Reached, but not a Kubernetes API server: the message says what it answered.
            return (ExitCodes.ClusterUnreachable, ex.Message);
        }
        catch (JsonException ex)
        {
            return (ExitCodes.ClusterUnreachable, $"the server at {Origin(client)} did not answer Kubernetes JSON ({FirstLine(ex.Message)}): is it the cluster's API server?");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or HttpOperationException && !cancellationToken.IsCancellationRequested)
        {
            var reason = FirstLine(ex.Message);
            return (ExitCodes.ClusterUnreachable, client.BaseUri is { } uri && reason.Contains(uri.Authority, StringComparison.Ordinal)
                ? $"cannot reach the cluster: {reason}"
                : $"cannot reach the cluster at {Origin(client)}: {reason}");
        }
    }

    /// <summary>The API server's scheme, host and port: never user information the address may carry.</summary>
    private static string Origin(IKubernetes client) => client.BaseUri is { } uri ? $"{uri.Scheme}://{uri.Authority}" : "the configured address";

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static async Task<int> Fail(int exitCode, string message)
    {
        await Console.Error.WriteLineAsync($"execution-sentinel: {message}").ConfigureAwait(false);
        return exitCode;
    }

    private sealed record WatchArguments(
        string Context, double? Poll, double? Timeout, string? Kubeconfig, OutputFormat Output, string EnvFile, bool EnvFileGiven, KubernetesProbeMode Mode,
        string? Checkpoints, string? History, InterventionMode Interventions, string[] Act);

    private static Dictionary<string, InterventionAction> ParseActions(string[] pairs)
    {
        var actions = new Dictionary<string, InterventionAction>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !EnumNames.TryParse<InterventionAction>(parts[1], out var action))
            {
                problems.Add($"--act '{pair}' must be KIND=ACTION, ACTION one of {EnumNames.List<InterventionAction>()}.");
                continue;
            }

            if (!ReportKindNames.IsKnown(parts[0]))
            {
                problems.Add(UnknownKind(pair, parts[0]));
                continue;
            }

            actions[parts[0]] = action;
        }

        return problems.Count == 0 ? actions : throw InputException.For(problems, "Bad --act values:");
    }

    /// <summary>Names the flag's value and the kind, with the closest known kind, or all of them when none is close.</summary>
    private static string UnknownKind(string pair, string kind) =>
        ReportKindNames.Closest(kind) is { } closest
            ? $"--act '{pair}': no report kind is called '{kind}' (did you mean '{closest}'?)."
            : $"--act '{pair}': no report kind is called '{kind}' (known: {string.Join(", ", ReportKindNames.Known)}).";
}
