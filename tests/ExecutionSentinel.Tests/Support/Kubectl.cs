using System.Diagnostics;
using System.Text;
using ExecutionSentinel.FakeKube;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Runs the real kubectl against a server, with a throwaway kubeconfig so nothing of the machine's is used.</summary>
internal sealed class Kubectl : IDisposable
{
    private readonly string _kubeconfig;

    /// <param name="server">The API server.</param>
    /// <param name="token">The bearer token; by default the fake server's admin token.</param>
    public Kubectl(Uri server, string token = FakeAuth.AdminToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        _kubeconfig = Path.Combine(Path.GetTempPath(), $"sentinel-kubeconfig-{Guid.NewGuid():N}.yaml");
        var trust = server.Scheme == "https" ? $"\n    certificate-authority-data: {ServerCertificate.AuthorityData}" : "";
        File.WriteAllText(_kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server.ToString().TrimEnd('/')}{trust}
            users:
            - name: fake
              user:
                token: {token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
            current-context: fake
            """);
    }

    public string KubeconfigPath => _kubeconfig;

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Runs kubectl with <paramref name="stdin"/> on its standard input (<c>kubectl create -f -</c>).</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var process = Start(stdin is not null, args);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts kubectl and hands back its output as it comes, for commands that do not end (<c>--watch</c>).</summary>
    public Process Start(params string[] args) => Start(redirectInput: false, args);

    private Process Start(bool redirectInput, string[] args)
    {
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(_kubeconfig);
        info.ArgumentList.Add("--request-timeout=30s");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["HOME"] = Path.GetTempPath(); // No discovery cache or config from the machine's home.
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl could not be started.");
    }

    public void Dispose() => File.Delete(_kubeconfig);
}
