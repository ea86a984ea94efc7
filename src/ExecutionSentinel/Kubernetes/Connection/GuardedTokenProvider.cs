using System.Net.Http.Headers;
using k8s.Authentication;
using k8s.Exceptions;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>
/// Wraps the client's token provider (a credential plugin, run again whenever its token expires) so that a failure says
/// which kubeconfig and which plugin, and never carries what the plugin printed: the client's message quotes it, and a
/// logged exception prints its inner exceptions.
/// </summary>
internal sealed class GuardedTokenProvider(ITokenProvider inner, string source, (string? User, string? Command) plugin) : ITokenProvider
{
    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var failure = KubernetesClientFactory.CredentialPluginFailure(ex.Message) ?? "failed";
            throw new KubeConfigException($"{source}: {KubernetesClientFactory.Describe(plugin)} {failure}.");
        }
    }
}
