using k8s;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// The kubeconfig the tool uses, and where the choice came from (<c>--kubeconfig</c>, <c>SENTINEL_KUBECONFIG</c>,
/// <c>KUBECONFIG</c> or the default location), so that every problem with it names both the file and the setting.
/// </summary>
internal sealed record Kubeconfig(string? Path, string Source)
{
    /// <summary>Resolves and checks the file; <see cref="Path"/> is <see langword="null"/> in a pod without one (in-cluster).</summary>
    public static Kubeconfig Resolve(string? flag, string? variable, Func<string, string?> environment)
    {
        Kubeconfig choice;
        if (flag is not null)
        {
            choice = new Kubeconfig(flag, "--kubeconfig");
        }
        else if (variable is not null)
        {
            choice = new Kubeconfig(variable, "SENTINEL_KUBECONFIG");
        }
        else if (environment("KUBECONFIG")?.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } fromKubectl)
        {
            choice = new Kubeconfig(fromKubectl, "KUBECONFIG");
        }
        else
        {
            var path = KubernetesClientConfiguration.KubeConfigDefaultLocation;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return KubernetesClientConfiguration.IsInCluster()
                    ? new Kubeconfig(null, "the pod's service account")
                    : throw new InputException($"No kubeconfig: '{path}' does not exist and this is not a pod in a cluster; pass --kubeconfig or set SENTINEL_KUBECONFIG.");
            }

            choice = new Kubeconfig(path, "the default location");
        }

        if (string.IsNullOrWhiteSpace(choice.Path))
        {
            throw new InputException($"{choice.Source} must name a kubeconfig file (was empty).");
        }

        if (Directory.Exists(choice.Path))
        {
            throw new InputException($"{choice.Source} '{choice.Path}' is a directory, not a kubeconfig file.");
        }

        if (!File.Exists(choice.Path))
        {
            throw new InputException($"{choice.Source} '{choice.Path}' does not exist.");
        }

        return choice;
    }

    /// <summary>A problem the library found in the file, followed by where the file came from.</summary>
    public string Explain(string problem) => $"{problem.TrimEnd('.')} (from {Source}).";
}
