using System.Net;
using System.Reflection;
using k8s.Autorest;

namespace ExecutionSentinel.Kubernetes.Informing;

/// <summary>
/// A GET through KubernetesClient's own authenticated <see cref="HttpClient"/> (its handlers, certificates and the
/// application's delegating handlers), answered as a stream instead of a deserialised model. It does what the client's
/// <c>SendRequestRaw</c> does: credentials (tokens refreshed by the client's provider), the TLS server name as the Host
/// header, HTTP/2 unless disabled, headers read before the body, and a non-2xx answer thrown as the same
/// <see cref="HttpOperationException"/> (status code and body) that the generated calls throw, so that the callers'
/// retries, breakers, 410 handling and access-denied reports see no difference.
/// </summary>
internal sealed class RawKubernetesHttp(k8s.Kubernetes client)
{
    // Two settings the client keeps private; read once. A missing one (a later client version) means its default.
    private static readonly PropertyInfo? TlsServerNameProperty = typeof(k8s.Kubernetes).GetProperty("TlsServerName", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly PropertyInfo? DisableHttp2Property = typeof(k8s.Kubernetes).GetProperty("DisableHttp2", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>
    /// Whether a raw request is what <paramref name="client"/> would send: not when it is an application's subclass that
    /// overrides how requests are sent or answers read (auditing, extra headers, its own retries), which a raw request
    /// would go round; such a client is read through its generated calls.
    /// </summary>
    public static bool StandsInFor(k8s.Kubernetes client) =>
        client.GetType() == typeof(k8s.Kubernetes)
        || client.GetType()
            .GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.Name is "SendRequestRaw" or "SendRequest" or "CreateResultAsync")
            .All(m => m.DeclaringType == typeof(k8s.Kubernetes));

    private readonly string? _tlsServerName = TlsServerNameProperty?.GetValue(client) as string;
    private readonly bool _disableHttp2 = DisableHttp2Property?.GetValue(client) is true;

    /// <summary>Sends a GET; the caller disposes the response (its body is still to be read).</summary>
    public async Task<HttpResponseMessage> GetAsync(string relativeUri, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, relativeUri));
        if (!_disableHttp2)
        {
            request.Version = HttpVersion.Version20;
        }

        HttpResponseMessage? response = null;
        try
        {
            if (client.Credentials is { } credentials)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (!string.IsNullOrWhiteSpace(_tlsServerName))
            {
                request.Headers.Host = _tlsServerName;
            }

            response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var ok = response;
                response = null;
                return ok;
            }

            var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}', response body {content}")
            {
                Request = new HttpRequestMessageWrapper(request, ""),
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }
        finally
        {
            response?.Dispose();
            request.Dispose();
        }
    }
}
