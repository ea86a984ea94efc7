using System.Text.Json;
using ExecutionSentinel;
using ExecutionSentinel.Testing;
using Microsoft.Extensions.Options;

namespace Conductor;

/// <summary>Watches one workflow and says what goes wrong, as a conductor would show it to a person.</summary>
internal sealed partial class ConductorWorker(
    ISentinel sentinel,
    IServiceProvider services,
    IOptions<ConductorOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ConductorWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var context = await ContextAsync(stoppingToken);
        await foreach (var report in sentinel.WatchAsync(context, stoppingToken))
        {
            LogReport(logger, report.Severity, report.Kind.Name, report.Message);
            if (report.Summary is { } summary)
            {
                LogOutcome(logger, summary.Outcome, summary.CompletedTasks, summary.TotalTasks);
            }
        }

        lifetime.StopApplication();
    }

    private async Task<MonitoringContext> ContextAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<SimulatedCluster>() is { } cluster)
        {
            return cluster.CreateContext();
        }

        var file = options.Value.ContextFile ?? throw new InvalidOperationException("Conductor:ContextFile is not set: say which workflow to watch.");
        await using var json = File.OpenRead(file);
        return await JsonSerializer.DeserializeAsync<MonitoringContext>(json, JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidOperationException($"{file} holds no monitoring context.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Severity} {Kind}: {Message}")]
    private static partial void LogReport(ILogger logger, ReportSeverity severity, string kind, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "The watch ended: {Outcome}, {Completed}/{Total} tasks completed")]
    private static partial void LogOutcome(ILogger logger, WatchOutcome outcome, int completed, int total);
}
