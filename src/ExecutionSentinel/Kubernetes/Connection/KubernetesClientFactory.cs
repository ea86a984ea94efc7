using System.Security.Cryptography;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using YamlDotNet.Core;

namespace ExecutionSentinel.Kubernetes.Connection;

/// <summary>
/// Builds the one <see cref="IKubernetes"/> client of the process from <see cref="KubernetesProbeOptions"/>, when the host
/// did not register its own. One client per process: creating clients repeatedly leaked memory in older client versions.
/// </summary>
/// <remarks>
/// Every problem of a kubeconfig is a <see cref="KubeConfigException"/> that names the file and what is wrong in it, in a
/// sentence of ours: the client's own messages can hold what a credential plugin printed (a token), certificate data or
/// environment values, so they are never quoted, and the client's exception is never attached (logs print inner exceptions).
/// </remarks>
internal static class KubernetesClientFactory
{
    public static IKubernetes Create(KubernetesProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (configuration, source) = Build(options);
        try
        {
            return new k8s.Kubernetes(configuration, new ApiResponseHandler());
        }
        catch (Exception ex) when (ex is not KubeConfigException and not OutOfMemoryException)
        {
            throw new KubeConfigException($"{source} has a client certificate or key that cannot be loaded (client-certificate, client-key and their -data forms): {SafeReason(ex)}.");
        }
        catch (KubeConfigException)
        {
            throw new KubeConfigException($"{source} has a server address that is not a URL.");
        }
    }

    public static KubernetesClientConfiguration BuildConfiguration(KubernetesProbeOptions options) => Build(options).Configuration;

    private static (KubernetesClientConfiguration Configuration, string Source) Build(KubernetesProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UseInClusterConfig)
        {
            return (InCluster(), "The in-cluster configuration");
        }

        var path = options.KubeconfigPath
            ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? KubernetesClientConfiguration.KubeConfigDefaultLocation;
        if (!File.Exists(path))
        {
            if (options.KubeconfigPath is null && KubernetesClientConfiguration.IsInCluster())
            {
                return (InCluster(), "The in-cluster configuration");
            }

            throw new KubeConfigException(Directory.Exists(path)
                ? $"The kubeconfig '{path}' is a directory, not a file."
                : $"No kubeconfig at '{path}'{(options.KubeconfigPath is null ? " (the default location)" : "")}, and the process does not run in a cluster: "
                    + "set ExecutionSentinel:Kubernetes:KubeconfigPath, or register an IKubernetes client.");
        }

        var source = $"The kubeconfig '{path}'";
        return (FromFile(path, options.KubeconfigContext, source), source);
    }

    private static KubernetesClientConfiguration InCluster()
    {
        try
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new KubeConfigException($"The in-cluster configuration (the pod's service account) cannot be used: {SafeReason(ex)}.");
        }
    }

    private static KubernetesClientConfiguration FromFile(string path, string? contextName, string source)
    {
        K8SConfiguration? kubeconfig;
        try
        {
            if (File.ReadAllText(path).Trim().Length == 0)
            {
                throw new KubeConfigException($"{source} is empty.");
            }

            kubeconfig = KubernetesClientConfiguration.LoadKubeConfig(path);
        }
        catch (YamlException ex)
        {
            throw new KubeConfigException($"{source} is not a valid kubeconfig (YAML) at line {ex.Start.Line}, column {ex.Start.Column}.");
        }
        catch (NullReferenceException)
        {
            // The client reads a document of comments alone as nothing, then fails on it.
            throw new KubeConfigException($"{source} is empty.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"{source} cannot be read: {ex.Message}");
        }

        var context = FindContext(kubeconfig, contextName, path, source);
        try
        {
            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(kubeconfig, context.Name);
            if (configuration.TokenProvider is { } tokens)
            {
                // A credential plugin runs again whenever its token expires: its failures then must not quote it either.
                configuration.TokenProvider = new GuardedTokenProvider(tokens, source, PluginOf(kubeconfig, context));
            }

            return configuration;
        }
        catch (KubeConfigException ex) when (CredentialPluginFailure(ex.Message) is { } failure)
        {
            throw new KubeConfigException($"{source}: {Describe(PluginOf(kubeconfig, context))} {failure}.");
        }
        catch (KubeConfigException ex)
        {
            throw new KubeConfigException($"{source} cannot be used: {FirstLine(ex.Message)}");
        }
        catch (FormatException)
        {
            throw new KubeConfigException($"{source} has certificate-authority-data that is not base64.");
        }
        catch (FileNotFoundException ex)
        {
            throw new KubeConfigException($"{source} names a file that does not exist: '{ex.FileName}'.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new KubeConfigException($"{source} cannot be used: {SafeReason(ex)}.");
        }
    }

    /// <summary>The context to use, with what is missing around it said in the kubeconfig's own terms.</summary>
    private static Context FindContext(K8SConfiguration kubeconfig, string? contextName, string path, string source)
    {
        var name = contextName ?? kubeconfig.CurrentContext;
        var contexts = kubeconfig.Contexts?.Where(c => c?.Name is not null).ToList() ?? [];
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new KubeConfigException(contexts.Count == 0
                ? $"{source} has no contexts: it names no cluster to connect to."
                : $"{source} has no current-context: choose one of {Names(contexts.Select(c => c.Name))} with 'kubectl config use-context NAME --kubeconfig {path}'.");
        }

        var context = contexts.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new KubeConfigException($"{source} has no context named '{name}' (its contexts: {(contexts.Count == 0 ? "none" : Names(contexts.Select(c => c.Name)))}).");
        var clusterName = context.ContextDetails?.Cluster;
        if (string.IsNullOrWhiteSpace(clusterName))
        {
            throw new KubeConfigException($"{source}: context '{context.Name}' names no cluster.");
        }

        var cluster = kubeconfig.Clusters?.FirstOrDefault(c => c?.Name?.Equals(clusterName, StringComparison.OrdinalIgnoreCase) == true)
            ?? throw new KubeConfigException($"{source}: context '{context.Name}' names cluster '{clusterName}', which is not in its clusters.");
        if (string.IsNullOrWhiteSpace(cluster.ClusterEndpoint?.Server))
        {
            throw new KubeConfigException($"{source}: cluster '{clusterName}' has no server address.");
        }

        if (!Uri.TryCreate(cluster.ClusterEndpoint.Server, UriKind.Absolute, out var server) || server.Scheme is not ("https" or "http"))
        {
            // The address is not quoted: one written as https://user:password@host would give its password away.
            throw new KubeConfigException($"{source}: cluster '{clusterName}' has a server address that is not an http or https URL.");
        }

        var userName = context.ContextDetails?.User;
        if (!string.IsNullOrWhiteSpace(userName) && kubeconfig.Users?.Any(u => u?.Name?.Equals(userName, StringComparison.OrdinalIgnoreCase) == true) != true)
        {
            throw new KubeConfigException($"{source}: context '{context.Name}' names user '{userName}', which is not in its users.");
        }

        return context;
    }

    private static (string? User, string? Command) PluginOf(K8SConfiguration kubeconfig, Context context)
    {
        var userName = context.ContextDetails?.User;
        var user = kubeconfig.Users?.FirstOrDefault(u => u?.Name?.Equals(userName, StringComparison.OrdinalIgnoreCase) == true);
        return (user?.Name, user?.UserCredentials?.ExternalExecution?.Command);
    }

    internal static string Describe((string? User, string? Command) plugin) =>
        $"the credential plugin{(plugin.Command is { Length: > 0 } command ? $" '{Path.GetFileName(command)}'" : "")} of user '{plugin.User}' (users[].user.exec)";

    /// <summary>
    /// What went wrong with a credential plugin, from the client's message, in words of ours; <see langword="null"/> when
    /// the message is about something else. Never the plugin's output: it is the credential, or garbage around one.
    /// </summary>
    internal static string? CredentialPluginFailure(string message)
    {
        if (message.StartsWith("external exec failed due to timeout", StringComparison.Ordinal))
        {
            return $"did not answer within {KubernetesClientConfiguration.ExecTimeout.TotalSeconds:0} s";
        }

        if (message.StartsWith("external exec failed due to: ", StringComparison.Ordinal))
        {
            return "could not be started: is it installed, and on the PATH?";
        }

        if (message.StartsWith("external exec failed", StringComparison.Ordinal))
        {
            return "did not print credentials (an ExecCredential JSON object with status.token or status.clientCertificateData, "
                + "and the apiVersion of the kubeconfig); what it printed is not shown, as it may hold a secret";
        }

        if (message.StartsWith("External command execution", StringComparison.Ordinal))
        {
            return "needs a command and an apiVersion";
        }

        if (message.StartsWith("Invalid environment variable", StringComparison.Ordinal))
        {
            return "has an env entry without a name and a value";
        }

        return null;
    }

    /// <summary>Why a certificate or configuration could not be loaded, without quoting any data.</summary>
    internal static string SafeReason(Exception exception) => exception switch
    {
        FormatException => "data that is not base64",
        CryptographicException => "not a readable certificate or key (PEM)",
        FileNotFoundException notFound => $"the file '{notFound.FileName}' does not exist",
        UnauthorizedAccessException or IOException => FirstLine(exception.Message),
        _ when exception.GetType() == typeof(Exception) => FirstLine(exception.Message), // The client's advice (e.g. to use kubelogin).
        _ => "it is malformed",
    };

    private static string Names(IEnumerable<string> names)
    {
        var all = names.ToList();
        return string.Join(", ", all.Take(5).Select(n => $"'{n}'")) + (all.Count > 5 ? $" and {all.Count - 5} more" : "");
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
