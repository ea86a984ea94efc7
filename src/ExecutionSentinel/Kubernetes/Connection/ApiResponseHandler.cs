using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>
/// Sits in the client's HTTP pipeline and turns two failures that the client reports badly into messages that say what
/// happened: a server that is not a Kubernetes API server (a login page, a proxy's error page: the client would fail on
/// its first byte with a bare JSON error), and a connection failure whose reason is only in an inner exception
/// ("The SSL connection could not be established, see inner exception").
/// </summary>
internal sealed class ApiResponseHandler : DelegatingHandler
{
    private const int MaxQuotedBytes = 200;
    private const int MaxQuotedChars = 80;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is not null)
        {
            throw new HttpRequestException(ex.HttpRequestError, Explain(ex, request.RequestUri), ex, ex.StatusCode);
        }

        if (!ExpectsJson(request.RequestUri) || IsJson(response.Content.Headers.ContentType) || response.Content.Headers.ContentType is null)
        {
            return response;
        }

        using (response)
        {
            var quoted = await FirstBytesAsync(response.Content, cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(
                HttpRequestError.InvalidResponse,
                $"The server at {Origin(request.RequestUri)} answered {(int)response.StatusCode} {response.ReasonPhrase} with "
                    + $"{response.Content.Headers.ContentType.MediaType}, not Kubernetes JSON{(quoted.Length > 0 ? $": \"{quoted}\"" : "")}. "
                    + "Is it the cluster's API server?",
                null,
                response.StatusCode);
        }
    }

    /// <summary>The API's own paths answer JSON; logs, proxied services and health checks may answer anything.</summary>
    private static bool ExpectsJson(Uri? uri)
    {
        var path = uri?.AbsolutePath ?? "";
        return (path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/apis/", StringComparison.Ordinal))
            && !path.Contains("/proxy", StringComparison.Ordinal)
            && !path.EndsWith("/log", StringComparison.Ordinal);
    }

    private static bool IsJson(MediaTypeHeaderValue? type) =>
        type?.MediaType is { } media
        && (media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || media.StartsWith("application/vnd.kubernetes.", StringComparison.OrdinalIgnoreCase));

    /// <summary>The start of the body, as readable text on one line.</summary>
    private static async Task<string> FirstBytesAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxQuotedBytes];
        var filled = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // What arrived is enough to say what the server is.
        }

        var text = new StringBuilder();
        foreach (var c in Encoding.UTF8.GetString(buffer, 0, filled))
        {
            var shown = char.IsWhiteSpace(c) || char.IsControl(c) ? ' ' : c;
            if (shown != ' ' || (text.Length > 0 && text[^1] != ' '))
            {
                text.Append(shown);
            }

            if (text.Length >= MaxQuotedChars)
            {
                text.Append('…');
                break;
            }
        }

        return text.ToString().Trim();
    }

    /// <summary>The failure with every inner reason, e.g. the certificate chain's error under "The SSL connection could not be established".</summary>
    private static string Explain(HttpRequestException exception, Uri? uri)
    {
        var reasons = new List<string> { exception.Message.Replace(", see inner exception.", "", StringComparison.Ordinal).TrimEnd('.') };
        var authentication = false;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            authentication |= inner is AuthenticationException && inner.Message.Contains("remote certificate", StringComparison.OrdinalIgnoreCase);
            var reason = inner.Message.Replace(", see inner exception.", "", StringComparison.Ordinal).TrimEnd('.');
            if (reason.Length > 0 && !reasons.Any(r => r.Contains(reason, StringComparison.Ordinal)))
            {
                reasons.Add(reason);
            }
        }

        var message = string.Join(": ", reasons);
        message = uri is not null && message.Contains(uri.Authority, StringComparison.Ordinal) ? message + "." : $"{message} ({Origin(uri)}).";
        return authentication
            ? message + " The server's certificate is not trusted: check the cluster's certificate-authority or certificate-authority-data in the kubeconfig."
            : message;
    }

    /// <summary>Scheme, host and port: never the user information an address may carry.</summary>
    private static string Origin(Uri? uri) => uri is null ? "the server" : $"{uri.Scheme}://{uri.Authority}";
}
