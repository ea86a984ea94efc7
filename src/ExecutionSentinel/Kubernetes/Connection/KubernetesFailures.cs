using System.Net;
using System.Net.WebSockets;
using ExecutionSentinel.Probing;
using k8s.Autorest;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>Tells lasting refusals (401, 403) from the transient failures the resilience pipeline retries.</summary>
internal static class KubernetesFailures
{
    /// <summary>The refusal behind <paramref name="exception"/>, or <see langword="null"/> when it is not one.</summary>
    public static AccessDenial? AccessDenied(Exception exception, string verb, string resource, string @namespace)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ClusterAccessDeniedException denied:
                    return denied.Denial;
                case HttpOperationException { Response.StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } http:
                    return new AccessDenial(verb, resource, @namespace, (int)http.Response.StatusCode, StatusMessage(http.Response.Content) ?? http.Message);
                case k8s.KubernetesException { Status.Code: 401 or 403 } status:
                    return new AccessDenial(verb, resource, @namespace, status.Status.Code!.Value, status.Status.Message ?? status.Message);

                // A refused WebSocket upgrade (exec) surfaces as "… status code '403' …" without the response.
                case WebSocketException socket when socket.Message.Contains("'403'", StringComparison.Ordinal) || socket.Message.Contains("'401'", StringComparison.Ordinal):
                    var code = socket.Message.Contains("'401'", StringComparison.Ordinal) ? 401 : 403;
                    return new AccessDenial(verb, resource, @namespace, code, code == 401 ? "Unauthorized" : "Forbidden");
            }
        }

        return null;
    }

    /// <summary>The <c>message</c> of a Kubernetes Status body, when the body is one.</summary>
    private static string? StatusMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == System.Text.Json.JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
