using ExecutionSentinel.Kubernetes;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Tests.Support;
using k8s;
using k8s.Exceptions;

namespace ExecutionSentinel.Tests.Kubernetes.Connection;

/// <summary>What a library user sees of a bad kubeconfig or a wrong server (the command-line tool's table covers the rest).</summary>
public sealed class KubernetesClientFactoryTests : IDisposable
{
    private const string Secret = "sekret-factory-4242";
    private readonly string _folder = Directory.CreateTempSubdirectory("sentinel-factory").FullName;

    [Fact]
    public void An_empty_kubeconfig_is_named_not_a_NullReferenceException()
    {
        var path = Write("empty.yaml", "\n");

        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientFactory.Create(new KubernetesProbeOptions { KubeconfigPath = path }));

        Assert.Equal($"The kubeconfig '{path}' is empty.", error.Message);
    }

    [Fact]
    public void A_credential_plugin_that_prints_a_bare_token_is_named_and_its_output_is_nowhere_in_the_exception()
    {
        var plugin = Write("plugin.sh", $"#!/bin/sh\necho '{Secret}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var path = Write("kubeconfig.yaml", Kubeconfig("http://127.0.0.1:1", $"exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {plugin}"));

        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientFactory.Create(new KubernetesProbeOptions { KubeconfigPath = path }));

        Assert.StartsWith($"The kubeconfig '{path}': the credential plugin 'plugin.sh' of user 'u' (users[].user.exec) did not print credentials", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_answers_HTML_is_described_by_its_answer()
    {
        await using var html = StubHttpServer.Html();
        var path = Write("kubeconfig.yaml", Kubeconfig(html.Address.ToString(), $"token: {Secret}"));
        var client = KubernetesClientFactory.Create(new KubernetesProbeOptions { KubeconfigPath = path });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.CoreV1.ReadNamespacedPodAsync("engine", "wf"));

        Assert.StartsWith($"The server at {html.Address.ToString().TrimEnd('/')} answered 200 OK with text/html, not Kubernetes JSON: \"<!DOCTYPE html>", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpRequestError.InvalidResponse, error.HttpRequestError);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Kubeconfig(string server, string user) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster:
            server: {server.TrimEnd('/')}
        users:
        - name: u
          user:
            {user}
        contexts:
        - name: c
          context: {"{"}cluster: c, user: u{"}"}
        current-context: c

        """;
}
