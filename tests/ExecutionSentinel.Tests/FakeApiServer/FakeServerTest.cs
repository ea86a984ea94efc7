using System.Text.Json;
using System.Text.Json.Nodes;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// A fake API server on a fake clock, with a namespace of plainly made objects, and the three real clients to check it
/// with: kubectl, the official Python client and KubernetesClient. Waits are on the server's signals, bounded.
/// </summary>
public abstract class FakeServerTest : IAsyncLifetime
{
    protected const string Ns = "wf";
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<IDisposable> _kubectls = [];

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected FakeKubeApiServer Server { get; private set; } = null!;

    private protected Kubectl Kubectl { get; private set; } = null!;

    /// <summary>The server's own bookmarks; off unless a test wants them (they would interleave with the events it expects).</summary>
    protected virtual TimeSpan? BookmarkInterval => null;

    public virtual async Task InitializeAsync()
    {
        Server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { Time = Time, BookmarkInterval = BookmarkInterval });
        Kubectl = KubectlAs(FakeAuth.AdminToken);
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        foreach (var kubectl in _kubectls)
        {
            kubectl.Dispose();
        }

        await Server.DisposeAsync();
    }

    private protected Kubectl KubectlAs(string token)
    {
        var kubectl = new Kubectl(Server.Address, token);
        _kubectls.Add(kubectl);
        return kubectl;
    }

    private protected async Task<PythonKube> PythonAsync(string? token = FakeAuth.AdminToken)
    {
        var python = await PythonKube.StartAsync(Server, token);
        _disposables.Add(python);
        return python;
    }

    protected k8s.Kubernetes Client(string token = FakeAuth.AdminToken)
    {
        var client = new k8s.Kubernetes(Server.ClientConfigurationFor(token));
        _disposables.Add(new Disposer(client.Dispose));
        return client;
    }

    /// <summary>Stores a pod as the scheduler and kubelet would have made it.</summary>
    protected StoredObject Pod(string name, string phase = "Running", string? node = "node-1", IDictionary<string, string>? labels = null, string ns = Ns, long? grace = null, string? ownerUid = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = Labels(labels ?? new Dictionary<string, string> { ["app"] = "demo" }) };
        if (ownerUid is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "batch/v1", ["kind"] = "Job", ["name"] = "owner", ["uid"] = ownerUid, ["controller"] = true });
        }

        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "busybox" }) };
        if (node is not null)
        {
            spec["nodeName"] = node;
        }

        if (grace is not null)
        {
            spec["terminationGracePeriodSeconds"] = grace;
        }

        return Server.Store.Upsert("pods", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = phase, ["startTime"] = "2025-03-01T11:59:30.123456Z" },
        });
    }

    protected StoredObject Job(string name, IDictionary<string, string>? labels = null, string ns = Ns) =>
        Server.Store.Upsert("jobs", new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = Labels(labels ?? new Dictionary<string, string> { ["app"] = "demo" }) },
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "main", ["image"] = "busybox" }) } } },
            ["status"] = new JsonObject(),
        });

    /// <summary>Changes a stored pod as a controller or the kubelet would.</summary>
    protected StoredObject Change(string name, Action<JsonObject> change, string resource = "pods", string ns = Ns) =>
        Server.Store.Update(resource, ns, name, change) ?? throw new InvalidOperationException($"{resource} {name} does not exist");

    /// <summary>Waits (bounded, on the server's signal) until an open watch satisfies <paramref name="condition"/>.</summary>
    protected async Task WaitForWatchAsync(Func<WatchState, bool>? condition = null)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = Server.Changed.Next;
            if (Server.Store.Watches.Any(condition ?? (_ => true)))
            {
                return;
            }

            await next.WaitAsync(bound.Token);
        }
    }

    /// <summary>Waits (bounded, re-checking at each of the server's signals) until <paramref name="condition"/> holds.</summary>
    protected async Task WaitUntilAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = Server.Changed.Next;
            if (condition())
            {
                return;
            }

            await next.WaitAsync(bound.Token);
        }
    }

    /// <summary>kubectl, which must succeed; its standard output.</summary>
    protected async Task<string> KubectlOkAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await Kubectl.RunAsync(args);
        Assert.True(exit == 0, $"kubectl {string.Join(' ', args)} failed ({exit}): {stderr}");
        return stdout;
    }

    /// <summary>The next line a streaming kubectl (<c>--watch</c>, <c>get --raw</c> of a watch) prints, bounded.</summary>
    protected static async Task<string?> ReadLineAsync(System.Diagnostics.Process process, TimeSpan? wait = null)
    {
        using var bound = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(30));
        return await process.StandardOutput.ReadLineAsync(bound.Token);
    }

    /// <summary>Starts a kubectl that does not end by itself; it is killed at the end of the test.</summary>
    private protected System.Diagnostics.Process KubectlStart(params string[] args)
    {
        var process = Kubectl.Start(args);
        _disposables.Add(new Disposer(() =>
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }));
        return process;
    }

    protected static JsonElement ParseJson(string text) => JsonDocument.Parse(text).RootElement.Clone();

    protected static List<string> Names(JsonElement answer) =>
        [.. answer.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];

    private static JsonObject Labels(IDictionary<string, string> labels)
    {
        var json = new JsonObject();
        foreach (var (key, value) in labels)
        {
            json[key] = value;
        }

        return json;
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
