using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExecutionSentinel.FakeKube;

/// <summary>How a <see cref="FakeKubeApiServer"/> starts.</summary>
public sealed class FakeKubeOptions
{
    /// <summary>The server's clock: graceful deletion, watch timeouts, bookmarks, history age, the too-large-version wait.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often every watch that asked for bookmarks gets one, on <see cref="Time"/>; null: only when <see cref="ObjectStore.Bookmark"/> is called. Default 1 min, as a real server.</summary>
    public TimeSpan? BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Serve HTTPS (with <see cref="ServerCertificate"/>), as a real server; kubectl sends tokens over TLS only. Default true.</summary>
    public bool UseTls { get; init; } = true;
}

/// <summary>
/// A Kubernetes API server for tests, on Kestrel at 127.0.0.1 and a free port. It serves discovery; list (label and field
/// selectors, limit/continue over a snapshot, resourceVersion with Exact/NotOlderThan), watch (chunked events, resume
/// from a version inside the history window, 410 outside it, 504 for a version from the future, DELETED/ADDED when an
/// object stops/starts matching the selectors, bookmarks about once a minute), get, create, update, merge patch,
/// delete (preconditions, propagation, graceful pod deletion) and exec over WebSocket (v5/v4.channel.k8s.io); bearer
/// tokens, per-token grants and RBAC from the Roles and bindings stored in it (401/403), access reviews and
/// impersonation (<c>kubectl auth can-i</c>), RBAC object validation; injected faults.
/// </summary>
public sealed partial class FakeKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string Namespace, string Pod, string Container, string Path), string> _files = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ITimer? _bookmarks;
    private int _inFlight;
    private int _waitingForVersion;

    private FakeKubeApiServer(WebApplication app, FakeKubeOptions options)
    {
        _app = app;
        Time = options.Time;
        Store = new ObjectStore(Time);
        Auth = new FakeAuth(Store);
        if (options.BookmarkInterval is { } interval)
        {
            _bookmarks = Time.CreateTimer(_ => Store.Bookmark(), null, interval, interval);
        }
    }

    public ObjectStore Store { get; }

    public FaultPlan Faults { get; } = new();

    /// <summary>Tokens and their grants; the admin token may do everything. Stored RBAC objects grant too.</summary>
    public FakeAuth Auth { get; }

    /// <summary>The server's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>How long a request for a resource version the server has not reached waits for it before the 504. Default 3 s, as a real server.</summary>
    public TimeSpan TooLargeResourceVersionWait { get; set; } = TimeSpan.FromSeconds(3);

    public Uri Address { get; private set; } = null!;

    /// <summary>Every request's method, path and query, in order of arrival.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    /// <summary>Pulsed when a request is answered, a watch opens or a watch event is sent.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Requests waiting now for a resource version the server has not reached (they end in 504 after <see cref="TooLargeResourceVersionWait"/>).</summary>
    public int WaitingForVersion => Volatile.Read(ref _waitingForVersion);

    /// <summary>Requests being answered now, long-lived watches excepted.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>How long each <c>cat</c> over exec takes before it reads the file (a slow kubelet); none by default.</summary>
    public TimeSpan ExecDelay { get; set; }

    /// <summary>A client configuration pointing at this server, with the admin token.</summary>
    public KubernetesClientConfiguration ClientConfiguration => ClientConfigurationFor(FakeAuth.AdminToken);

    /// <summary>A client configuration pointing at this server with another token (see <see cref="FakeAuth.AddToken"/>).</summary>
    public KubernetesClientConfiguration ClientConfigurationFor(string token) => new()
    {
        Host = Address.ToString().TrimEnd('/'),
        AccessToken = token,
        SslCaCerts = Address.Scheme == "https" ? [ServerCertificate.Authority] : null,
    };

    public static Task<FakeKubeApiServer> StartAsync() => StartAsync(new FakeKubeOptions());

    public static Task<FakeKubeApiServer> StartAsync(TimeProvider time) => StartAsync(new FakeKubeOptions { Time = time });

    public static async Task<FakeKubeApiServer> StartAsync(FakeKubeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1; // Watches and exec upgrades as most clients speak them.
            if (options.UseTls)
            {
                listen.UseHttps(ServerCertificate.Serving);
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeKubeApiServer(app, options);
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
        _bookmarks?.Dispose();
        foreach (var termination in _terminations.Values)
        {
            termination.Timer.Dispose();
        }

        Store.CloseAllWatches();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        var path = request.Path.Value?.TrimEnd('/') ?? "";
        if (path == "/version")
        {
            await WriteJsonAsync(context, 200, Discovery.Version).ConfigureAwait(false);
            return;
        }

        var identity = Auth.Authenticate(request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null);
        if (identity is null)
        {
            await WriteJsonAsync(context, 401, KubeStatus.Unauthorized()).ConfigureAwait(false);
            return;
        }

        if (request.Headers["Impersonate-User"].ToString() is { Length: > 0 } impersonated)
        {
            // Impersonation needs the verb "impersonate" on users (or on the service account, in its namespace).
            var account = impersonated.Split(':') is ["system", "serviceaccount", var saNamespace, var saName] ? (saNamespace, saName) : ((string, string)?)null;
            var check = account is var (accountNamespace, accountName)
                ? new AccessRequest("impersonate", "", "serviceaccounts", null, accountNamespace, accountName)
                : new AccessRequest("impersonate", "", "users", null, null, impersonated);
            if (!Authorize(identity, check))
            {
                var message = $"{check.Resource} \"{check.Name}\" is forbidden: User \"{identity.User}\" cannot impersonate resource \"{check.Resource}\" in API group \"\" "
                    + (check.Namespace is null ? "at the cluster scope" : $"in the namespace \"{check.Namespace}\"");
                await WriteJsonAsync(context, 403, KubeStatus.Failure(403, "Forbidden", message)).ConfigureAwait(false);
                return;
            }

            identity = FakeAuth.Impersonated(impersonated, [.. request.Headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!)]);
        }

        // Discovery is open to every authenticated user (system:discovery).
        var discovery = path switch
        {
            "/api" => Discovery.CoreVersions(Address.Authority),
            "/apis" => Discovery.Groups,
            "/openapi/v3" => Discovery.OpenApiRoot,
            _ when path.StartsWith("/openapi/v3/", StringComparison.Ordinal) => Discovery.OpenApi(path["/openapi/v3/".Length..]),
            _ when path.StartsWith("/api/", StringComparison.Ordinal) && path.Count(c => c == '/') == 2 => Discovery.Resources(path["/api/".Length..]),
            _ when path.StartsWith("/apis/", StringComparison.Ordinal) && path.Count(c => c == '/') == 3 => Discovery.Resources(path["/apis/".Length..]),
            _ => null,
        };
        if (discovery is not null)
        {
            await WriteJsonAsync(context, 200, discovery).ConfigureAwait(false);
            return;
        }

        if (path.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", "v1", "namespaces", .. var named] && named.Length <= 1)
        {
            await NamespacesAsync(context, identity, named.Length == 1 ? named[0] : null).ConfigureAwait(false);
            return;
        }

        if (!ResourcePath.TryParse(path, out var target))
        {
            await WriteJsonAsync(context, 404, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""").ConfigureAwait(false);
            return;
        }

        if (target.Api == ApiResource.SelfSubjectAccessReviews)
        {
            await ReviewAccessAsync(context, identity, target).ConfigureAwait(false);
            return;
        }

        var kind = KindOf(request.Method, target, IsTrue(request.Query["watch"]));
        if (kind is null)
        {
            await WriteJsonAsync(context, 405, KubeStatus.Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource")).ConfigureAwait(false);
            return;
        }

        var counted = kind != RequestKind.Watch;
        if (counted)
        {
            Interlocked.Increment(ref _inFlight);
        }

        try
        {
            if (Faults.Take(kind.Value, target.Namespace) is { } fault && await InjectAsync(context, kind.Value, fault).ConfigureAwait(false))
            {
                return;
            }

            var verb = Verb(kind.Value);
            if (!Authorize(identity, new AccessRequest(verb, target.Api.Group, target.Api.Plural, target.Subresource, target.Namespace, target.Name)))
            {
                await WriteJsonAsync(context, 403, KubeStatus.Forbidden(target.Api, target.Name, identity.User, verb, target.AuthorizationResource, target.Namespace)).ConfigureAwait(false);
                return;
            }

            await AnswerAsync(context, kind.Value, target).ConfigureAwait(false);
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

    /// <summary>
    /// Namespaces, read-only: those that hold objects, and the ones every cluster has. kubectl reads one after a 404 to
    /// tell a missing object from a missing namespace.
    /// </summary>
    private async Task NamespacesAsync(HttpContext context, FakeIdentity identity, string? name)
    {
        var verb = name is null ? "list" : "get";
        if (context.Request.Method != "GET")
        {
            await WriteJsonAsync(context, 405, KubeStatus.Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")).ConfigureAwait(false);
            return;
        }

        if (!Authorize(identity, new AccessRequest(verb, "", "namespaces", null, null, name)))
        {
            var subject = name is null ? "namespaces" : $"namespaces \"{name}\"";
            var message = $"{subject} is forbidden: User \"{identity.User}\" cannot {verb} resource \"namespaces\" in API group \"\" at the cluster scope";
            await WriteJsonAsync(context, 403, KubeStatus.Failure(403, "Forbidden", message)).ConfigureAwait(false);
            return;
        }

        var existing = Store.Namespaces().Union(["default", "kube-system", "kube-public"]).Order(StringComparer.Ordinal).ToList();
        if (name is null)
        {
            var items = string.Join(',', existing.Select(NamespaceJson));
            await WriteJsonAsync(context, 200, $$"""{"kind":"NamespaceList","apiVersion":"v1","metadata":{"resourceVersion":"{{Store.CurrentVersion}}"},"items":[{{items}}]}""").ConfigureAwait(false);
        }
        else if (existing.Contains(name))
        {
            await WriteJsonAsync(context, 200, NamespaceJson(name)).ConfigureAwait(false);
        }
        else
        {
            await WriteJsonAsync(context, 404, KubeStatus.Failure(404, "NotFound", $"namespaces \"{name}\" not found")).ConfigureAwait(false);
        }
    }

    private static string NamespaceJson(string ns) => Json.Write(new JsonObject
    {
        ["kind"] = "Namespace",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = ns,
            ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = ns },
            ["resourceVersion"] = "1",
            ["creationTimestamp"] = "2025-01-01T00:00:00Z",
        },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    });

    private static RequestKind? KindOf(string method, ResourcePath target, bool watch) => (method, target) switch
    {
        (_, { Subresource: "exec" }) => RequestKind.Exec,
        ("GET", { Name: not null }) => RequestKind.Get,
        ("GET", _) => watch ? RequestKind.Watch : RequestKind.List,
        ("POST", { Name: null }) when target.Namespace is not null || !target.Api.Namespaced => RequestKind.Create,
        ("PUT", { Name: not null }) => RequestKind.Update,
        ("PATCH", { Name: not null }) => RequestKind.Patch,
        ("DELETE", { Name: not null }) => RequestKind.Delete,
        _ => null,
    };

    /// <summary>The verb RBAC checks. Exec is <c>create</c> on <c>pods/exec</c>, whether it arrives as GET (WebSocket) or POST.</summary>
    private static string Verb(RequestKind kind) => kind switch
    {
        RequestKind.Get => "get",
        RequestKind.List => "list",
        RequestKind.Watch => "watch",
        RequestKind.Create or RequestKind.Exec => "create",
        RequestKind.Update => "update",
        RequestKind.Patch => "patch",
        RequestKind.Delete => "delete",
        _ => "get",
    };

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
            case RequestKind.Create:
                await CreateAsync(context, target).ConfigureAwait(false);
                break;
            case RequestKind.Update:
                await UpdateAsync(context, target).ConfigureAwait(false);
                break;
            case RequestKind.Patch:
                await PatchAsync(context, target).ConfigureAwait(false);
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
                await context.Response.WriteAsync(KubeStatus.ErrorEvent(KubeStatus.Expired("too old resource version")) + "\n", context.RequestAborted).ConfigureAwait(false);
                return true;
            case FaultKind.Gone:
                await WriteJsonAsync(context, 410, KubeStatus.Expired("The provided continue parameter is too old to display a consistent list result.")).ConfigureAwait(false);
                return true;
            case FaultKind.Stall when kind == RequestKind.Watch:
                if (ResourcePath.TryParse(context.Request.Path.Value!.TrimEnd('/'), out var target))
                {
                    await WatchAsync(context, target, stalled: true).ConfigureAwait(false);
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static string? Query(HttpContext context, string name) =>
        context.Request.Query.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is "true" or "1" or "True";

    private static async Task WriteJsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        return text.Trim().Length > 0 ? JsonNode.Parse(text) : null;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
