using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// A Kubernetes API server for tests, on Kestrel at 127.0.0.1 and a free port. It serves discovery, list (label
/// selectors, limit/continue), watch (chunked events, bookmarks, timeoutSeconds, 410 for versions older than its
/// history), get, delete (preconditions, propagation) and exec over WebSocket (v5/v4.channel.k8s.io), with faults.
/// </summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string Namespace, string Pod, string Container, string Path), string> _files = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private int _inFlight;

    private FakeKubeApiServer(WebApplication app)
    {
        _app = app;
    }

    public ObjectStore Store { get; } = new();

    public FaultPlan Faults { get; } = new();

    public Uri Address { get; private set; } = null!;

    /// <summary>Every request's method, path and query, in order of arrival.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Pulsed when a request is answered or a watch event is sent.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Requests being answered now, long-lived watches excepted.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>A client configuration pointing at this server.</summary>
    public KubernetesClientConfiguration ClientConfiguration => new() { Host = Address.ToString().TrimEnd('/') };

    public static async Task<FakeKubeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeKubeApiServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(address);
        return server;
    }

    /// <summary>Writes a file that <c>cat</c> over exec in that container will print.</summary>
    public void WriteFile(string ns, string pod, string container, string path, string content) => _files[(ns, pod, container, path)] = content;

    public void DeleteFile(string ns, string pod, string container, string path) => _files.TryRemove((ns, pod, container, path), out _);

    public async ValueTask DisposeAsync()
    {
        Store.CloseAllWatches();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        var path = request.Path.Value?.TrimEnd('/') ?? "";
        switch (path)
        {
            case "/api":
                await WriteJsonAsync(context, 200, Discovery.CoreVersions(Address.Authority)).ConfigureAwait(false);
                return;
            case "/apis":
                await WriteJsonAsync(context, 200, Discovery.Groups).ConfigureAwait(false);
                return;
            case "/api/v1":
                await WriteJsonAsync(context, 200, Discovery.CoreResources).ConfigureAwait(false);
                return;
            case "/apis/batch/v1":
                await WriteJsonAsync(context, 200, Discovery.BatchResources).ConfigureAwait(false);
                return;
            case "/version":
                await WriteJsonAsync(context, 200, Discovery.Version).ConfigureAwait(false);
                return;
        }

        if (!ResourcePath.TryParse(path, out var target))
        {
            await WriteJsonAsync(context, 404, KubeStatus.Failure(404, "NotFound", $"the server could not find the requested resource ({path})")).ConfigureAwait(false);
            return;
        }

        var kind = target.Subresource == "exec" ? RequestKind.Exec
            : request.Method == "DELETE" ? RequestKind.Delete
            : target.Name is not null ? RequestKind.Get
            : IsTrue(request.Query["watch"]) ? RequestKind.Watch
            : RequestKind.List;
        var counted = kind != RequestKind.Watch;
        if (counted)
        {
            Interlocked.Increment(ref _inFlight);
        }

        try
        {
            if (Faults.Take(kind) is { } fault && await InjectAsync(context, kind, fault).ConfigureAwait(false))
            {
                return;
            }

            await AnswerAsync(context, kind, target).ConfigureAwait(false);
        }
        finally
        {
            if (counted)
            {
                Interlocked.Decrement(ref _inFlight);
                Changed.Pulse();
            }
        }
    }

    private async Task AnswerAsync(HttpContext context, RequestKind kind, ResourcePath target)
    {
        switch (kind)
        {
            case RequestKind.Exec:
                await ExecAsync(context, target).ConfigureAwait(false);
                break;
            case RequestKind.Delete:
                await DeleteAsync(context, target).ConfigureAwait(false);
                break;
            case RequestKind.Get:
                await GetAsync(context, target).ConfigureAwait(false);
                break;
            case RequestKind.Watch:
                await WatchAsync(context, target, stalled: false).ConfigureAwait(false);
                break;
            default:
                await ListAsync(context, target).ConfigureAwait(false);
                break;
        }
    }

    /// <returns>Whether the request has been answered.</returns>
    private async Task<bool> InjectAsync(HttpContext context, RequestKind kind, FaultKind fault)
    {
        switch (fault)
        {
            case FaultKind.ServerError:
                await WriteJsonAsync(context, 500, KubeStatus.Failure(500, "InternalError", "Internal error occurred: injected fault")).ConfigureAwait(false);
                return true;
            case FaultKind.TooManyRequests:
                context.Response.Headers.RetryAfter = "1";
                await WriteJsonAsync(context, 429, KubeStatus.Failure(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later")).ConfigureAwait(false);
                return true;
            case FaultKind.ConnectionReset:
                context.Abort();
                return true;
            case FaultKind.Hang when kind == RequestKind.Watch:
                // A watch is never counted in flight: it just never answers.
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                return true;
            case FaultKind.Hang:
                // A hung request is not "in flight" for the test clock: time must move on for the client to give up.
                Interlocked.Decrement(ref _inFlight);
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    Interlocked.Increment(ref _inFlight);
                }

                return true;
            case FaultKind.GarbageJson when kind == RequestKind.Watch:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"type\":\"MODIFIED\",\"object\":{garbage\n", context.RequestAborted).ConfigureAwait(false);
                return true;
            case FaultKind.GarbageJson:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"kind\":\"PodList\",\"items\":[{garbage", context.RequestAborted).ConfigureAwait(false);
                return true;
            case FaultKind.Gone when kind == RequestKind.Watch:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(GoneEvent() + "\n", context.RequestAborted).ConfigureAwait(false);
                return true;
            case FaultKind.Gone:
                await WriteJsonAsync(context, 410, KubeStatus.Failure(410, "Expired", "The provided continue parameter is too old to display a consistent list result.")).ConfigureAwait(false);
                return true;
            case FaultKind.Stall when kind == RequestKind.Watch:
                return false.Equals(await WatchStalledAsync(context).ConfigureAwait(false));
            default:
                return false;
        }
    }

    private async Task<bool> WatchStalledAsync(HttpContext context)
    {
        if (!ResourcePath.TryParse(context.Request.Path.Value!.TrimEnd('/'), out var target))
        {
            return false;
        }

        await WatchAsync(context, target, stalled: true).ConfigureAwait(false);
        return false;
    }

    private async Task ListAsync(HttpContext context, ResourcePath target)
    {
        var query = context.Request.Query;
        var selector = LabelSelector.Parse(query["labelSelector"]);
        var (items, version) = Store.List(target.Resource, target.Namespace, selector);
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        var after = "";
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
            version = long.Parse(decoded[0], CultureInfo.InvariantCulture);
            after = decoded[1];
        }

        var page = items.Where(i => string.CompareOrdinal(i.Namespace + "/" + i.Name, after) > 0).Take(limit).ToList();
        var remaining = items.Count(i => string.CompareOrdinal(i.Namespace + "/" + i.Name, after) > 0) - page.Count;
        var metadata = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\"resourceVersion\":\"{version}\"");
        if (remaining > 0)
        {
            var last = page[^1];
            var next = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{version}|{last.Namespace}/{last.Name}")));
            metadata.Append(CultureInfo.InvariantCulture, $",\"continue\":\"{next}\",\"remainingItemCount\":{remaining}");
        }

        var (apiVersion, listKind) = target.Resource == "jobs" ? ("batch/v1", "JobList") : ("v1", "PodList");
        var body = $$"""{"kind":"{{listKind}}","apiVersion":"{{apiVersion}}","metadata":{{{metadata}}},"items":[{{string.Join(',', page.Select(i => i.Json))}}]}""";
        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext context, ResourcePath target, bool stalled)
    {
        var query = context.Request.Query;
        long? from = long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var v) ? v : null;
        var watcher = Store.Watch(target.Resource, target.Namespace, LabelSelector.Parse(query["labelSelector"]), from, IsTrue(query["allowWatchBookmarks"]));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        if (watcher is null)
        {
            await context.Response.WriteAsync(GoneEvent() + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        watcher.Stalled = stalled;
        var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        ends.CancelAfter(timeout);
        try
        {
            await context.Response.StartAsync(ends.Token).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(ends.Token).ConfigureAwait(false);
            await foreach (var line in watcher.Lines.ReadAllAsync(ends.Token).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line + "\n", ends.Token).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(ends.Token).ConfigureAwait(false);
                Changed.Pulse();
            }
        }
        catch (OperationCanceledException)
        {
            // The server-side timeout, or the client went away: the stream just ends.
        }
        catch (IOException)
        {
        }
        finally
        {
            watcher.Close();
        }
    }

    private async Task GetAsync(HttpContext context, ResourcePath target)
    {
        if (Store.Get(target.Resource, target.Namespace!, target.Name!) is { } item)
        {
            await WriteJsonAsync(context, 200, item.Json).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 404, NotFound(target)).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath target)
    {
        JsonNode? options = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            options = text.Length > 0 ? JsonNode.Parse(text) : null;
        }

        var existing = Store.Get(target.Resource, target.Namespace!, target.Name!);
        if (existing is null)
        {
            await WriteJsonAsync(context, 404, NotFound(target)).ConfigureAwait(false);
            return;
        }

        var preconditions = options?["preconditions"];
        if ((string?)preconditions?["uid"] is { } uid && uid != existing.Uid)
        {
            await WriteJsonAsync(context, 409, KubeStatus.Failure(409, "Conflict",
                $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Uid}")).ConfigureAwait(false);
            return;
        }

        if ((string?)preconditions?["resourceVersion"] is { } version && version != existing.ResourceVersion.ToString(CultureInfo.InvariantCulture))
        {
            await WriteJsonAsync(context, 409, KubeStatus.Failure(409, "Conflict",
                $"Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {existing.ResourceVersion}")).ConfigureAwait(false);
            return;
        }

        // batch/v1 Jobs orphan their pods unless told otherwise (the API's legacy default).
        var propagation = (string?)options?["propagationPolicy"] ?? context.Request.Query["propagationPolicy"].ToString();
        var gone = Store.Delete(target.Resource, target.Namespace!, target.Name!)!;
        if (target.Resource == "jobs" && propagation is "Background" or "Foreground")
        {
            foreach (var pod in Store.List("pods", target.Namespace, LabelSelector.Parse("job-name=" + target.Name)).Items)
            {
                Store.Delete("pods", pod.Namespace, pod.Name);
            }
        }

        await WriteJsonAsync(context, 200, gone.Json).ConfigureAwait(false);
    }

    private async Task ExecAsync(HttpContext context, ResourcePath target)
    {
        var query = context.Request.Query;
        var pod = Store.Get("pods", target.Namespace!, target.Name!);
        if (pod is null)
        {
            await WriteJsonAsync(context, 404, NotFound(target)).ConfigureAwait(false);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteJsonAsync(context, 400, KubeStatus.Failure(400, "BadRequest", "exec is served over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io)")).ConfigureAwait(false);
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = new[] { "v5.channel.k8s.io", "v4.channel.k8s.io" }.FirstOrDefault(offered.Contains);
        if (protocol is null)
        {
            await WriteJsonAsync(context, 400, KubeStatus.Failure(400, "BadRequest", "no supported subprotocol offered: " + string.Join(", ", offered))).ConfigureAwait(false);
            return;
        }

        var containers = pod.Node["spec"]?["containers"]?.AsArray().Select(c => (string?)c?["name"]).ToList() ?? [];
        var container = query["container"].ToString() is { Length: > 0 } named ? named : containers.FirstOrDefault() ?? "";
        var command = query["command"].Select(c => c ?? "").ToArray();
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false);
        string status;
        if (!containers.Contains(container))
        {
            status = KubeStatus.Failure(400, "BadRequest", $"container {container} is not valid for pod {target.Name}");
        }
        else if (command is ["cat", var file])
        {
            if (_files.TryGetValue((target.Namespace!, target.Name!, container, file), out var content))
            {
                await SendAsync(socket, 1, Encoding.UTF8.GetBytes(content), context.RequestAborted).ConfigureAwait(false);
                status = KubeStatus.Success();
            }
            else
            {
                await SendAsync(socket, 2, Encoding.UTF8.GetBytes($"cat: {file}: No such file or directory\n"), context.RequestAborted).ConfigureAwait(false);
                status = KubeStatus.NonZeroExit(1);
            }
        }
        else
        {
            await SendAsync(socket, 2, Encoding.UTF8.GetBytes($"{command.FirstOrDefault()}: command not found\n"), context.RequestAborted).ConfigureAwait(false);
            status = KubeStatus.NonZeroExit(127);
        }

        await SendAsync(socket, 3, Encoding.UTF8.GetBytes(status), context.RequestAborted).ConfigureAwait(false);
        try
        {
            // Like the kubelet: send the close frame and go; waiting for the client's answer can wait forever.
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", context.RequestAborted).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
        }
    }

    private static Task SendAsync(WebSocket socket, byte channel, byte[] payload, CancellationToken cancellationToken)
    {
        var frame = new byte[payload.Length + 1];
        frame[0] = channel;
        payload.CopyTo(frame, 1);
        return socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
    }

    private static string GoneEvent() =>
        $$"""{"type":"ERROR","object":{{KubeStatus.Failure(410, "Expired", "too old resource version")}}}""";

    private static string NotFound(ResourcePath target) =>
        KubeStatus.Failure(404, "NotFound", $"{target.Resource} \"{target.Name}\" not found");

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is "true" or "1" or "True";

    private static async Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
