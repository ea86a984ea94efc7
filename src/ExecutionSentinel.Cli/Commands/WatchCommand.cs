using System.CommandLine;
using System.Net;
using ExecutionSentinel.Cli.Input;
using ExecutionSentinel.Cli.Output;
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
        var poll = new Option<double?>("--poll") { Description = "Seconds between observations (SENTINEL_POLL_INTERVAL; default 10)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds to wait for the engine's completion signal (SENTINEL_TIMEOUT; default 3600)." };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "The kubeconfig file (SENTINEL_KUBECONFIG; default $KUBECONFIG or ~/.kube/config, or in-cluster)." };
        var output = new Option<OutputFormat>("--output") { Description = "text (a live view on a terminal, plain lines otherwise) or json (NDJSON).", DefaultValueFactory = _ => OutputFormat.Text };
        var envFile = new Option<string>("--env-file") { Description = "A .env file with SENTINEL_* variables.", DefaultValueFactory = _ => ".env" };
        var mode = new Option<KubernetesProbeMode>("--mode") { Description = "Watch (list then watch) or Poll (list every tick, for clusters that forbid watch).", DefaultValueFactory = _ => KubernetesProbeMode.Watch };
        var checkpoints = new Option<string?>("--checkpoints") { Description = "A directory for checkpoints: a watch restarted after a crash does not repeat what it already reported." };
        var interventions = new Option<InterventionMode>("--interventions") { Description = "Off (default: observe only), DryRun (report what would be done) or Enabled.", DefaultValueFactory = _ => InterventionMode.Off };
        var act = new Option<string[]>("--act")
        {
            Description = "Map a report kind to an action, e.g. --act straggler=TerminateTask --act workflow-stalled=TerminateWorkflow (repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };

        var command = new Command("watch", "Watch a running HyperFlow workflow on Kubernetes and report what goes wrong, until it ends.")
        {
            context, poll, timeout, kubeconfig, output, envFile, mode, checkpoints, interventions, act,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new WatchArguments(
                result.GetValue(context)!,
                result.GetValue(poll),
                result.GetValue(timeout),
                result.GetValue(kubeconfig),
                result.GetValue(output),
                result.GetValue(envFile)!,
                result.GetValue(mode),
                result.GetValue(checkpoints),
                result.GetValue(interventions),
                result.GetValue(act) ?? []),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(WatchArguments arguments, CancellationToken cancellationToken)
    {
        SentinelEnvironment environment;
        MonitoringContext context;
        Dictionary<string, InterventionAction> actions;
        try
        {
            environment = SentinelEnvironment.Read(Environment.GetEnvironmentVariable, arguments.EnvFile);
            actions = ParseActions(arguments.Act);
            context = await ContextFile.ReadAsync(arguments.Context, Console.In, cancellationToken).ConfigureAwait(false);
        }
        catch (InputException ex)
        {
            return await Fail(ExitCodes.UsageError, ex.Message).ConfigureAwait(false);
        }

        var services = new ServiceCollection();
        services.AddLogging(logging => logging
            .SetMinimumLevel(environment.LogLevel)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var builder = services.AddExecutionSentinel(o =>
            {
                o.PollInterval = Seconds(arguments.Poll ?? environment.PollSeconds) ?? o.PollInterval;
                o.WatchTimeout = Seconds(arguments.Timeout ?? environment.TimeoutSeconds) ?? o.WatchTimeout;
                o.StragglerMultiplier = environment.StragglerMultiplier ?? o.StragglerMultiplier;
                o.MassFailureThreshold = environment.MassFailureThreshold ?? o.MassFailureThreshold;
            })
            .UseKubernetes(o =>
            {
                o.KubeconfigPath = arguments.Kubeconfig ?? environment.Kubeconfig;
                o.Mode = arguments.Mode;
            });
        if (arguments.Checkpoints is { } directory)
        {
            builder.UseCheckpoints(directory);
        }

        if (arguments.Interventions != InterventionMode.Off || actions.Count > 0)
        {
            builder.AddWatchdog(o =>
            {
                o.Mode = arguments.Interventions;
                foreach (var (kind, action) in actions)
                {
                    o.Actions[kind] = action;
                }
            });
        }

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
            return await Fail(ExitCodes.UsageError, ex.Message).ConfigureAwait(false);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return await Fail(ExitCodes.UsageError, "Bad settings:" + string.Concat(ex.Failures.Select(f => Environment.NewLine + "  - " + f))).ConfigureAwait(false);
        }

        if (await CheckReachableAsync(client, context, cancellationToken).ConfigureAwait(false) is { } unreachable)
        {
            return await Fail(ExitCodes.ClusterUnreachable, unreachable).ConfigureAwait(false);
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
            return await Fail(ExitCodes.UsageError, "Bad settings:" + string.Concat(ex.Failures.Select(f => Environment.NewLine + "  - " + f))).ConfigureAwait(false);
        }

        var presenter = Presenters.Create(arguments.Output, startedAt, "wall clock");
        presenter.Begin([$"Watching workflow in namespace '{context.Namespace}' (engine pod {context.EnginePodName}, {context.TaskInventory.Count} tasks)."]);
        return await ReportLoop.RunAsync(presenter, reports, startedAt, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One read of the engine pod before watching: an unreachable API server or a wrong namespace is said at once.</summary>
    private static async Task<string?> CheckReachableAsync(IKubernetes client, MonitoringContext context, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await client.CoreV1.ReadNamespacedPodAsync(context.EnginePodName, context.Namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            await Console.Error.WriteLineAsync($"execution-sentinel: warning: the engine pod '{context.EnginePodName}' is not in namespace '{context.Namespace}' (yet); watching anyway.").ConfigureAwait(false);
            return null;
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return $"the cluster refused access ({(int)ex.Response.StatusCode}): check the credentials and RBAC (docs/rbac.yaml).";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or HttpOperationException && !cancellationToken.IsCancellationRequested)
        {
            return $"cannot reach the cluster at {client.BaseUri}: {ex.Message}";
        }
    }

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    private static async Task<int> Fail(int exitCode, string message)
    {
        await Console.Error.WriteLineAsync($"execution-sentinel: {message}").ConfigureAwait(false);
        return exitCode;
    }

    private sealed record WatchArguments(
        string Context, double? Poll, double? Timeout, string? Kubeconfig, OutputFormat Output, string EnvFile, KubernetesProbeMode Mode,
        string? Checkpoints, InterventionMode Interventions, string[] Act);

    private static Dictionary<string, InterventionAction> ParseActions(string[] pairs)
    {
        var actions = new Dictionary<string, InterventionAction>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !Enum.TryParse<InterventionAction>(parts[1], ignoreCase: true, out var action))
            {
                problems.Add($"--act '{pair}' must be KIND=ACTION, ACTION one of {string.Join(", ", Enum.GetNames<InterventionAction>())}.");
                continue;
            }

            actions[parts[0]] = action;
        }

        return problems.Count == 0 ? actions : throw new InputException(string.Join(Environment.NewLine, problems));
    }
}
