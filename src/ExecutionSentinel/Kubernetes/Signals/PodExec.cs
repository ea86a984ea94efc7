using System.Net.WebSockets;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ExecutionSentinel.Kubernetes.Signals;

/// <summary>
/// Runs a command in a container over the exec WebSocket (<c>v4.channel.k8s.io</c>) and returns its exit code and the
/// start of its standard output. Unlike the client's <c>NamespacedPodExecAsync</c>, every wait honours the token: the
/// socket is aborted when it is cancelled (the client's demultiplexed streams block a thread each and ignore their token,
/// kubernetes-client/csharp#1635), and it is disposed when the call ends (the client never disposes it, so each exec
/// left a connection in CLOSE_WAIT until a finalizer ran).
/// </summary>
internal static class PodExec
{
    private const byte StdOut = 1;
    private const byte Status = 3;

    /// <summary>A status is a small JSON object; more than this is not one.</summary>
    private const int MaxStatusBytes = 64 * 1024;

    /// <summary>Runs <paramref name="command"/>; keeps at most <paramref name="maxOutputBytes"/> of its standard output (the rest is read and dropped).</summary>
    /// <returns>The exit code (from the status channel) and the output kept.</returns>
    /// <exception cref="KubernetesException">The API server refused the exec, or the command could not be run (no such container).</exception>
    public static async Task<ExecOutput> RunAsync(
        IKubernetes client, string pod, string @namespace, string container, IReadOnlyList<string> command, int maxOutputBytes, CancellationToken cancellationToken)
    {
        WebSocket socket;
        try
        {
            socket = await client.WebSocketNamespacedPodExecAsync(
                pod,
                @namespace,
                command,
                container,
                stderr: true,
                stdin: false,
                stdout: true,
                tty: false,
                webSocketSubProtocol: WebSocketProtocol.V4BinaryWebsocketProtocol,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Body is V1Status status)
        {
            throw new KubernetesException(status, ex); // The upgrade was refused with a Status (403, 404, …): say what it says.
        }

        using (socket)
        using (cancellationToken.Register(static s => ((WebSocket)s!).Abort(), socket))
        {
            var (output, status) = await ReceiveAsync(socket, maxOutputBytes, cancellationToken).ConfigureAwait(false);
            var parsed = status.Length == 0 ? null : KubernetesJson.Deserialize<V1Status>(Encoding.UTF8.GetString(status));
            if (parsed is null)
            {
                throw new IOException("The exec ended without an exit status.");
            }

            return new ExecOutput(k8s.Kubernetes.GetExitCodeOrThrow(parsed), Encoding.UTF8.GetString(output));
        }
    }

    /// <summary>Reads messages until the server closes: each message's first byte names its channel.</summary>
    private static async Task<(byte[] Output, byte[] Status)> ReceiveAsync(WebSocket socket, int maxOutputBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var output = new Collected(maxOutputBytes);
        var status = new Collected(MaxStatusBytes);
        var atMessageStart = true;
        var channel = (byte)0;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var data = buffer.AsSpan(0, received.Count);
                if (atMessageStart)
                {
                    if (data.IsEmpty)
                    {
                        continue;
                    }

                    channel = data[0];
                    data = data[1..];
                }

                atMessageStart = received.EndOfMessage;
                switch (channel)
                {
                    case StdOut:
                        output.Add(data);
                        break;
                    case Status:
                        status.Add(data);
                        status.Complete |= received.EndOfMessage;
                        break;
                    default:
                        break; // Standard error (and anything else) is read, so the command can finish, and dropped.
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The exec was cancelled.", ex, cancellationToken); // Aborted by the token: a timeout, not a failure.
        }
        catch (WebSocketException) when (status.Complete)
        {
            // The connection dropped without a close frame after the status arrived: the command's outcome is known.
        }

        return (output.ToArray(), status.ToArray());
    }

    /// <summary>Bytes kept up to a limit.</summary>
    private sealed class Collected(int limit)
    {
        private readonly MemoryStream _bytes = new();

        public bool Complete { get; set; }

        public void Add(ReadOnlySpan<byte> data) => _bytes.Write(data[..Math.Min(data.Length, limit - (int)_bytes.Length)]);

        public byte[] ToArray() => _bytes.ToArray();
    }
}

/// <summary>What an exec returned: the command's exit code and the start of its standard output.</summary>
internal readonly record struct ExecOutput(int ExitCode, string Output);
