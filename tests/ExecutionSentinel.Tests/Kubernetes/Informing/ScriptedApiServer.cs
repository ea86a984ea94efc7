using System.Collections.Concurrent;
using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.Tests.Kubernetes.Informing;

/// <summary>
/// An API server on 127.0.0.1 (port 0) that answers lists and watches exactly as a test scripts them, byte for byte: what
/// a hostile or broken server (or a proxy in front of one) may send, which the fake API server, being correct, never does.
/// </summary>
internal sealed class ScriptedApiServer : IAsyncDisposable
{
    public const string Token = "s3cr3t-bearer-token-never-in-a-message";

    private readonly WebApplication _app;
    private readonly Func<HttpContext, int, Task> _watch;
    private readonly Func<HttpContext, int, Task> _list;
    private int _watches;
    private int _lists;

    private ScriptedApiServer(WebApplication app, Func<HttpContext, int, Task> list, Func<HttpContext, int, Task> watch)
    {
        _app = app;
        _list = list;
        _watch = watch;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Every request as it arrived: its path and query, and the headers a test reads.</summary>
    public ConcurrentQueue<(string Target, string Authorization, string Host, string Audit)> Requests { get; } = new();

    /// <summary>Completes when the watch with this number (from 1) has arrived.</summary>
    public ConcurrentDictionary<int, TaskCompletionSource> WatchArrived { get; } = new();

    /// <summary>A configuration of KubernetesClient pointing here, with a bearer token.</summary>
    public KubernetesClientConfiguration Configuration => new() { Host = Address.ToString().TrimEnd('/'), AccessToken = Token };

    /// <summary>Starts a server whose lists and watches run these handlers (each gets the request's number, from 1, among its kind).</summary>
    public static async Task<ScriptedApiServer> StartAsync(Func<HttpContext, int, Task>? list = null, Func<HttpContext, int, Task>? watch = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedApiServer(app, list ?? ((c, _) => JsonAsync(c, 200, EmptyList)), watch ?? ((c, _) => HoldAsync(c)));
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public const string EmptyList = """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""";

    /// <summary>Answers with a status and a JSON body.</summary>
    public static async Task JsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Writes these bytes of a 200 body (no newline is added) and flushes them.</summary>
    public static async Task WriteAsync(HttpContext context, string text)
    {
        context.Response.ContentType ??= "application/json";
        await context.Response.WriteAsync(text, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Holds the request open until the client lets go of it.</summary>
    public static async Task HoldAsync(HttpContext context)
    {
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>A pod as the API server writes it, with what the projections read, and an optional extra member of its metadata.</summary>
    public static string Pod(string name, int resourceVersion, string extraMetadata = "") =>
        $$$"""{"kind":"Pod","apiVersion":"v1","metadata":{"name":"{{{name}}}","namespace":"wf","uid":"u-{{{name}}}","resourceVersion":"{{{resourceVersion}}}","creationTimestamp":"2025-01-01T00:00:00Z","labels":{"job-name":"job-{{{name}}}"}{{{extraMetadata}}}},"spec":{"nodeName":"n1","containers":[{"name":"main","command":["hflow-job-execute","{{{name}}}-task"]}]},"status":{"phase":"Running","startTime":"2025-01-01T00:00:01Z"}}""";

    public static string Event(string type, string @object) => $$"""{"type":"{{type}}","object":{{@object}}}""" + "\n";

    public static string List(string items, string? resourceVersion = "1", string? @continue = null) =>
        $$"""{"kind":"PodList","apiVersion":"v1","metadata":{{{(resourceVersion is null ? "" : $"\"resourceVersion\":\"{resourceVersion}\"")}}{{(@continue is null ? "" : $",\"continue\":\"{@continue}\"")}}},"items":[{{items}}]}""";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        Requests.Enqueue((context.Request.Path + context.Request.QueryString, headers.Authorization.ToString(), headers.Host.ToString(), headers["X-Audit"].ToString()));
        if (context.Request.Query["watch"] == "true")
        {
            var number = Interlocked.Increment(ref _watches);
            WatchArrived.GetOrAdd(number, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            await _watch(context, number);
        }
        else
        {
            await _list(context, Interlocked.Increment(ref _lists));
        }
    }

    /// <summary>A task that completes when the watch with this number has arrived.</summary>
    public Task WatchNumber(int number) => WatchArrived.GetOrAdd(number, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
