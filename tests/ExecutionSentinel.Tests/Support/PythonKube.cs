using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExecutionSentinel.FakeKube;

namespace ExecutionSentinel.Tests.Support;

/// <summary>
/// The official Kubernetes Python client (Debian's python3-kubernetes) as a second real client: a
/// <c>FakeApiServer/kube_client.py</c> process that takes one JSON request per line and answers with JSON lines. The
/// processes are pooled (starting one costs about a second), and each request names its server and token. Every read
/// is bounded; a test waits for the client's answer, never for a guessed delay.
/// </summary>
internal sealed class PythonKube : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string> Python = new(FindInterpreter);
    private static readonly Lazy<string> Script = new(FindScript);
    private static readonly Lazy<string> CaFile = new(WriteCaFile);
    private static readonly ConcurrentBag<Session> Idle = [];
    private readonly Session _session;
    private readonly string _host;
    private readonly string _token;
    private readonly string _caFile;
    private bool _dirty;

    private PythonKube(Session session, FakeKubeApiServer server, string? token)
    {
        _session = session;
        _host = server.Address.ToString().TrimEnd('/');
        _token = token ?? "";
        _caFile = server.Address.Scheme == "https" ? CaFile.Value : "";
    }

    /// <summary>A client for <paramref name="server"/>, with the admin token unless another (or none: null) is given.</summary>
    public static async Task<PythonKube> StartAsync(FakeKubeApiServer server, string? token = FakeAuth.AdminToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!Idle.TryTake(out var session))
        {
            session = await Session.StartAsync();
        }

        return new PythonKube(session, server, token);
    }

    /// <summary>Sends one request and reads its one answer.</summary>
    public async Task<JsonElement> CallAsync(object request, TimeSpan? wait = null)
    {
        await SendAsync(request);
        return await ReadAsync(wait);
    }

    /// <summary>Sends a request (its answer is read with <see cref="ReadAsync"/> or <see cref="ReadWatchAsync"/>).</summary>
    public async Task SendAsync(object request)
    {
        var json = JsonSerializer.SerializeToNode(request)!.AsObject();
        json["host"] = _host;
        json["token"] = _token;
        json["ca_file"] = _caFile;
        _dirty = true;
        await _session.SendAsync(json.ToJsonString());
    }

    /// <summary>The next line of output, as JSON.</summary>
    public async Task<JsonElement> ReadAsync(TimeSpan? wait = null)
    {
        var line = await _session.ReadAsync(wait ?? DefaultWait);
        _dirty = line.TryGetProperty("event", out _) || line.TryGetProperty("line", out _) || line.TryGetProperty("error", out _);
        return line;
    }

    /// <summary>Reads the lines of a watch until its end marker, or until <paramref name="stop"/> says so.</summary>
    public async Task<List<JsonElement>> ReadWatchAsync(Func<JsonElement, bool>? stop = null, TimeSpan? wait = null)
    {
        var lines = new List<JsonElement>();
        while (true)
        {
            var line = await ReadAsync(wait);
            if (line.TryGetProperty("end", out _))
            {
                return lines;
            }

            if (line.TryGetProperty("ok", out _))
            {
                throw new InvalidOperationException("kube_client.py failed the watch: " + line);
            }

            lines.Add(line);
            if (stop?.Invoke(line) == true)
            {
                return lines;
            }
        }
    }

    public string Stderr => _session.Stderr;

    /// <summary>Back to the pool when every request has been answered in full; otherwise the process is ended.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_dirty || _session.HasExited)
        {
            await _session.DisposeAsync();
        }
        else
        {
            Idle.Add(_session);
        }
    }

    private static string WriteCaFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"fake-kube-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(path, ServerCertificate.AuthorityPem);
        return path;
    }

    /// <summary>Debian installs python3-kubernetes for /usr/bin/python3; a python3 first on PATH (pyenv) may not see it.</summary>
    private static string FindInterpreter()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var info = new ProcessStartInfo(candidate, ["-c", "import kubernetes"]) { RedirectStandardError = true, UseShellExecute = false };
                using var probe = Process.Start(info)!;
                probe.StandardError.ReadToEnd();
                if (probe.WaitForExit(30_000) && probe.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
            }
        }

        throw new InvalidOperationException(
            "The Kubernetes Python client is not installed: apt-get install -y python3-kubernetes (.ci/run does it).");
    }

    private static string FindScript()
    {
        const string Relative = "tests/ExecutionSentinel.Tests/FakeApiServer/kube_client.py";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("kube_client.py was not found above " + AppContext.BaseDirectory, Relative);
    }

    /// <summary>One python process.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();

        private Session(Process process)
        {
            _process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;

        public string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static async Task<Session> StartAsync()
        {
            var info = new ProcessStartInfo(Python.Value)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(Script.Value);
            info.Environment["HOME"] = Path.GetTempPath();
            var session = new Session(Process.Start(info) ?? throw new InvalidOperationException("python3 could not be started."));
            var ready = await session.ReadAsync(DefaultWait);
            Assert.True(ready.TryGetProperty("ready", out _), "kube_client.py did not start: " + ready);
            return session;
        }

        public async Task SendAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        public async Task<JsonElement> ReadAsync(TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            string? line;
            try
            {
                line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"kube_client.py said nothing within {wait}. Its stderr: {Stderr}");
            }

            return line is null
                ? throw new InvalidOperationException("kube_client.py ended. Its stderr: " + Stderr)
                : JsonDocument.Parse(line).RootElement.Clone();
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
