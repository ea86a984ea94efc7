using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ExecutionSentinel.FakeKube;

/// <summary>Exec over WebSocket (v5/v4.channel.k8s.io): <c>cat FILE</c> prints what <see cref="WriteFile"/> wrote.</summary>
public sealed partial class FakeKubeApiServer
{
    private async Task ExecAsync(HttpContext context, ResourcePath target)
    {
        var query = context.Request.Query;
        var pod = Store.Get("pods", target.Namespace!, target.Name!);
        if (pod is null)
        {
            await WriteJsonAsync(context, 404, KubeStatus.NotFound(target.Api, target.Name!)).ConfigureAwait(false);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("exec is served over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io)")).ConfigureAwait(false);
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = new[] { "v5.channel.k8s.io", "v4.channel.k8s.io" }.FirstOrDefault(offered.Contains);
        if (protocol is null)
        {
            await WriteJsonAsync(context, 400, KubeStatus.BadRequest("no supported subprotocol offered: " + string.Join(", ", offered))).ConfigureAwait(false);
            return;
        }

        var containers = pod.Node["spec"]?["containers"]?.AsArray().Select(c => (string?)c?["name"]).ToList() ?? [];
        var container = query["container"].ToString() is { Length: > 0 } named ? named : containers.FirstOrDefault() ?? "";
        var command = query["command"].Select(c => c ?? "").ToArray();
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol).ConfigureAwait(false);
        string status;
        if (!containers.Contains(container))
        {
            status = KubeStatus.BadRequest($"container {container} is not valid for pod {target.Name}");
        }
        else if (command is ["cat", var file])
        {
            if (ExecDelay > TimeSpan.Zero)
            {
                // A slow kubelet: the file is read only after the delay (on the server's clock), and the request is not
                // "in flight" meanwhile, so that a test's fake time moves on, and the cluster with it, while exec is under way.
                Interlocked.Decrement(ref _inFlight);
                try
                {
                    await Task.Delay(ExecDelay, Time, context.RequestAborted).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Increment(ref _inFlight);
                }
            }

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
}
