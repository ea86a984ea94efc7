using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ExecutionSentinel.Tests.Kubernetes.Stalls;

/// <summary>How a <see cref="StallingApiServer"/> misbehaves.</summary>
public enum Stall
{
    /// <summary>Lists answer 200 with their headers (a Content-Length) and then nothing.</summary>
    ListHeadersThenNothing,

    /// <summary>Lists answer 200, send half their body and then nothing.</summary>
    ListMidBody,

    /// <summary>Lists, gets and watches work (watches are held open); exec completes the WebSocket upgrade and then sends nothing.</summary>
    ExecAfterUpgrade,

    /// <summary>Every connection is accepted and never answered.</summary>
    Silent,

    /// <summary>Every answer arrives one byte a second.</summary>
    Drip,

    /// <summary>Nothing stalls: lists are empty, watches are held open, exec prints "0" and exits 0 (for leak tests).</summary>
    None,
}

/// <summary>
/// A Kubernetes API server on 127.0.0.1 (port 0), raw TCP, that stalls in one way below HTTP: what a half-dead API
/// server, a stuck proxy or a black-holed network looks like to a client. It says when a stalled request has arrived
/// (<see cref="Stalled"/>), so tests wait on that instead of on guessed delays.
/// </summary>
internal sealed class StallingApiServer : IAsyncDisposable
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private const string PodList = """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}""";
    private const string JobList = """{"kind":"JobList","apiVersion":"batch/v1","metadata":{"resourceVersion":"1"},"items":[]}""";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private readonly Stall _stall;
    private readonly Task _accepting;
    private int _stalledRequests;
    private int _stalledClosedByClient;

    public StallingApiServer(Stall stall)
    {
        _stall = stall;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Address = new Uri($"http://127.0.0.1:{Port}");
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public Uri Address { get; }

    /// <summary>Completes when the first request that this server stalls has arrived.</summary>
    public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many requests were stalled.</summary>
    public int StalledRequests => Volatile.Read(ref _stalledRequests);

    /// <summary>How many stalled connections the client closed (it gave up, and let go of the socket).</summary>
    public int StalledClosedByClient => Volatile.Read(ref _stalledClosedByClient);

    /// <summary>The request lines seen, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections[client] = 0;
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            while (await ReadRequestAsync(stream) is { } request)
            {
                Requests.Enqueue(request.Line);
                if (!await AnswerAsync(stream, request))
                {
                    return;
                }
            }
        }
#pragma warning disable CA1031 // A client that gives up ends its connection: nothing to do.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
        }
    }

    /// <returns>Whether the connection may carry another request.</returns>
    private async Task<bool> AnswerAsync(NetworkStream stream, Request request)
    {
        var path = request.Target;
        var isExec = path.Contains("/exec?", StringComparison.Ordinal);
        var isWatch = path.Contains("watch=true", StringComparison.Ordinal);
        var isList = !isExec && !isWatch && (path.Contains("/pods?", StringComparison.Ordinal) || path.Contains("/jobs?", StringComparison.Ordinal));
        var body = isList ? (path.Contains("/jobs?", StringComparison.Ordinal) ? JobList : PodList) : EnginePod(path);
        switch (_stall)
        {
            case Stall.Silent:
                await HoldAsync(stream, []);
                return false;
            case Stall.Drip:
                await DripAsync(stream, Ok(body));
                return false;
            case Stall.ListHeadersThenNothing when isList:
                await HoldAsync(stream, Ok(body)[..^Encoding.UTF8.GetByteCount(body)]);
                return false;
            case Stall.ListMidBody when isList:
                await HoldAsync(stream, Ok(body)[..^(Encoding.UTF8.GetByteCount(body) / 2)]);
                return false;
        }

        if (isWatch)
        {
            // Held open without a line: the informer's staleness timer is what ends it.
            await WriteHeldAsync(stream, Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
            return false;
        }

        if (isExec)
        {
            var upgrade = Encoding.ASCII.GetBytes(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Accept: {Accept(request.Header("Sec-WebSocket-Key"))}\r\nSec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n");
            if (_stall == Stall.ExecAfterUpgrade)
            {
                await HoldAsync(stream, upgrade);
            }
            else
            {
                await stream.WriteAsync(upgrade, _stop.Token);
                await stream.WriteAsync(Frame(0x82, [1, .. "0\n"u8]), _stop.Token);
                await stream.WriteAsync(Frame(0x82, [3, .. """{"metadata":{},"status":"Success"}"""u8]), _stop.Token);
                await stream.WriteAsync(Frame(0x88, [0x03, 0xE8]), _stop.Token); // Close (1000), and go, as the kubelet does.
            }

            return false;
        }

        await stream.WriteAsync(Ok(body), _stop.Token);
        return true;
    }

    /// <summary>Writes <paramref name="bytes"/>, says the request is stalled, and reads until the client lets go (or the server stops).</summary>
    private async Task HoldAsync(NetworkStream stream, byte[] bytes)
    {
        Interlocked.Increment(ref _stalledRequests);
        await WriteHeldAsync(stream, bytes, stalled: true);
    }

    private async Task WriteHeldAsync(NetworkStream stream, byte[] bytes, bool stalled = false)
    {
        if (bytes.Length > 0)
        {
            await stream.WriteAsync(bytes, _stop.Token);
        }

        if (stalled)
        {
            Stalled.TrySetResult();
        }

        await ReadToEndAsync(stream);
        if (stalled && !_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _stalledClosedByClient);
        }
    }

    /// <summary>Sends one byte a second until done, the client lets go or the server stops.</summary>
    private async Task DripAsync(NetworkStream stream, byte[] bytes)
    {
        Interlocked.Increment(ref _stalledRequests);
        Stalled.TrySetResult();
        var letGo = ReadToEndAsync(stream);
        try
        {
            foreach (var b in bytes)
            {
                await stream.WriteAsync(new[] { b }, _stop.Token);
                await Task.WhenAny(letGo, Task.Delay(TimeSpan.FromSeconds(1), _stop.Token));
                if (letGo.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        await letGo;
        if (!_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _stalledClosedByClient);
        }
    }

    /// <summary>Reads until the client closes its side (or the server stops).</summary>
    private async Task ReadToEndAsync(NetworkStream stream)
    {
        var sink = new byte[1024];
        try
        {
            while (await stream.ReadAsync(sink, _stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static byte[] Ok(string body)
    {
        var content = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {content.Length}\r\n\r\n"), .. content];
    }

    /// <summary>The engine pod, for a GET of one pod (the signal reader asks whether it exists when exec fails).</summary>
    private static string EnginePod(string path)
    {
        var name = path.Split('?')[0].Split('/')[^1];
        return $$$"""{"kind":"Pod","apiVersion":"v1","metadata":{"name":"{{{name}}}","namespace":"wf","resourceVersion":"1"}}""";
    }

    private static string Accept(string? key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));

    /// <summary>An unmasked server frame (payloads here are short).</summary>
    private static byte[] Frame(byte opcode, byte[] payload) => [opcode, (byte)payload.Length, .. payload];

    private async Task<Request?> ReadRequestAsync(NetworkStream stream)
    {
        var seen = new List<byte>();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer, _stop.Token) == 1)
        {
            seen.Add(buffer[0]);
            if (seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n')
            {
                var lines = Encoding.ASCII.GetString([.. seen]).Split("\r\n");
                return new Request(lines[0], lines[1..]);
            }
        }

        return null;
    }

    private sealed record Request(string Line, string[] Headers)
    {
        public string Target => Line.Split(' ') is [_, var target, ..] ? target : "";

        public string? Header(string name) =>
            Headers.Where(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(h => h[(name.Length + 1)..].Trim()).FirstOrDefault();
    }
}
