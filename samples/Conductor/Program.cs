using Conductor;
using ExecutionSentinel.Testing;
using OpenTelemetry.Metrics;

var builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<ConductorOptions>(builder.Configuration.GetSection("Conductor"));

// The sentinel, its options and every detector's from the ExecutionSentinel section, plus one detector of our own
// (tuned and switched off under ExecutionSentinel:Detectors:RetryStorm).
var sentinel = builder.Services
    .AddExecutionSentinel(builder.Configuration.GetSection("ExecutionSentinel"))
    .AddDetector<RetryStormDetector, RetryStormOptions>("RetryStorm");

var conductor = builder.Configuration.GetSection("Conductor").Get<ConductorOptions>() ?? new ConductorOptions();
if (!string.IsNullOrEmpty(conductor.SimulatedTrace))
{
    // The default: a real trace replayed on a simulated cluster, faster than real time, so the sample runs anywhere.
    var time = new AcceleratedTimeProvider(conductor.SimulationSpeed);
    builder.Services.AddSingleton<TimeProvider>(time);
    sentinel.UseSimulatedCluster(_ => new SimulatedCluster(WorkflowTrace.LoadBundled(conductor.SimulatedTrace), time));
}

builder.Services.AddHealthChecks().AddExecutionSentinel();
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter("ExecutionSentinel")
    .AddOtlpExporter()); // To the collector at OTEL_EXPORTER_OTLP_ENDPOINT (default localhost:4317).
builder.Services.AddHostedService<ConductorWorker>();

var app = builder.Build();
app.MapHealthChecks("/healthz");
await app.RunAsync();
