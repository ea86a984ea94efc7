using k8s;
using k8s.Exceptions;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>
/// Builds the one <see cref="IKubernetes"/> client of the process from <see cref="KubernetesProbeOptions"/>, when the host
/// did not register its own. One client per process: creating clients repeatedly leaked memory in older client versions.
/// </summary>
internal static class KubernetesClientFactory
{
    public static IKubernetes Create(KubernetesProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new k8s.Kubernetes(BuildConfiguration(options));
    }

    public static KubernetesClientConfiguration BuildConfiguration(KubernetesProbeOptions options)
    {
        if (options.UseInClusterConfig)
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        var path = options.KubeconfigPath
            ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(path))
        {
            if (options.KubeconfigPath is null && KubernetesClientConfiguration.IsInCluster())
            {
                return KubernetesClientConfiguration.InClusterConfig();
            }

            throw new KubeConfigException(
                $"No kubeconfig at '{path}'{(options.KubeconfigPath is null ? " (the default location)" : "")}, and the process does not run in a cluster: "
                + "set ExecutionSentinel:Kubernetes:KubeconfigPath, or register an IKubernetes client.");
        }

        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, options.KubeconfigContext);
        }
        catch (Exception ex) when (ex is not KubeConfigException)
        {
            // The client's own messages can quote the file; keep ours to the path and the kind of problem.
            throw new KubeConfigException($"The kubeconfig at '{path}' cannot be used: {ex.GetType().Name}: {FirstLine(ex.Message)}", ex);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
