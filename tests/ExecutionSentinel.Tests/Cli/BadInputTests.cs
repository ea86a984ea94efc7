using System.Text;
using ExecutionSentinel.Tests.Detection;
using ExecutionSentinel.Tests.Support;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>
/// Every bad input the tool is known to meet, in one table: what the user gives → the exit code → the one line that says
/// what is wrong and where. Never a stack trace, never an exception's name, never a secret (the tool runs at its most
/// verbose log level, and every kubeconfig holds secrets that must not come out).
/// </summary>
public sealed class BadInputTests(BadInputTests.Files files) : IClassFixture<BadInputTests.Files>
{
    /// <summary>The secrets of the kubeconfigs and the credential plugin: none may ever be printed.</summary>
    internal const string Secret = "sekret-4242";

    /// <summary>What a credential plugin prints when it works.</summary>
    internal const string Credential = $$$"""{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "{{{Secret}}}"}}""";

    private const string Valid = """{"namespace": "wf", "engine_pod_name": "engine", "task_inventory": [{"name": "a-0", "task_type": "a"}], "dag_structure": {"a": []}}""";

    public static TheoryData<BadInput> Cases() =>
    [
        // The context file.
        new("missing context file", ["--context", "/no/such/context.json"], 64, "The context file '/no/such/context.json' does not exist."),
        new("context is a directory", ["--context", "{dir}"], 64, "The context file '{dir}' is a directory."),
        new("malformed JSON", ["--context", "-"], 64, "The context in standard input is not valid JSON at line 3, column 22", Stdin: "{\n  \"namespace\": \"x\",\n  \"engine_pod_name\": oops\n}"),
        new("invalid UTF-8 in a string", ["--context", "{dir}/invalid-utf8.json"], 64, "The context in '{dir}/invalid-utf8.json' is not valid UTF-8 at line 2, column 19 (byte 49)."),
        new("duplicate key", ["--context", "{dir}/duplicate.json"], 64, "The context in '{dir}/duplicate.json' has a duplicate key '$.namespace' at line 2, column 2 (each key may appear once)."),
        new("nested duplicate key", ["--context", "-"], 64, "has a duplicate key '$.task_inventory[0].task_type' at line 1, column 98", Stdin: """{"namespace": "wf", "engine_pod_name": "e", "task_inventory": [{"name": "a-0", "task_type": "a", "task_type": "b"}]}"""),
        new("escaped lone surrogate", ["--context", "-"], 64, "has a string that is not valid Unicode (an escaped lone surrogate) at '$.engine_pod_name', line 1, column 40.", Stdin: """{"namespace": "wf", "engine_pod_name": "e\ud800"}"""),
        new("expected duration beyond a TimeSpan", ["--context", "-"], 64, "$.task_inventory[0].expected_duration_seconds must be a number of seconds from 0 to 31536000, a year (was 1e15).", Stdin: """{"namespace": "wf", "engine_pod_name": "e", "task_inventory": [{"name": "a-0", "task_type": "a", "expected_duration_seconds": 1e15}]}"""),
        new("pod name with a path", ["--context", "-"], 64, "$.engine_pod_name 'a/../../b' is not a valid Kubernetes pod name", Stdin: Context("wf", "a/../../b")),
        new("pod name '/'", ["--context", "-"], 64, "$.engine_pod_name '/' is not a valid Kubernetes pod name", Stdin: Context("wf", "/")),
        new("pod name '..'", ["--context", "-"], 64, "$.engine_pod_name '..' is not a valid Kubernetes pod name", Stdin: Context("wf", "..")),
        new("pod name with %2F", ["--context", "-"], 64, "$.engine_pod_name 'a%2Fb' is not a valid Kubernetes pod name", Stdin: Context("wf", "a%2Fb")),
        new("pod name in uppercase", ["--context", "-"], 64, "$.engine_pod_name 'Engine' is not a valid Kubernetes pod name", Stdin: Context("wf", "Engine")),
        new("pod name of 300 characters", ["--context", "-"], 64, "(300 characters) is not a valid Kubernetes pod name", Stdin: Context("wf", new string('a', 300))),
        new("namespace '..'", ["--context", "-"], 64, "$.namespace '..' is not a valid Kubernetes namespace", Stdin: Context("..", "engine")),
        new("namespace with %2F", ["--context", "-"], 64, "$.namespace 'a%2Fb' is not a valid Kubernetes namespace", Stdin: Context("a%2Fb", "engine")),
        new("container '/'", ["--context", "-"], 64, "$.engine_container '/' is not a valid Kubernetes container name", Stdin: Context("wf", "engine", "/")),
        new("container of 300 characters", ["--context", "-"], 64, "(300 characters) is not a valid Kubernetes container name", Stdin: Context("wf", "engine", new string('c', 300))),
        new("cycle through 100,000 types", ["--context", "{dir}/cycle.json"], 64, "$.dag_structure has a cycle through 100000 types: t000000 -> t099999 -> t099998 -> t099997 -> t099996 -> … -> t000001 -> t000000."),
        new("chain of 100,000 types (valid: the kubeconfig is next)", ["--context", "{dir}/chain.json", "--kubeconfig", "/no/such/kubeconfig"], 64, "--kubeconfig '/no/such/kubeconfig' does not exist."),

        // Numbers.
        new("--poll beyond a TimeSpan", ["--context", "-", "--poll", "1e15"], 64, "--poll must be from 0.1 to 3600 seconds (was 1000000000000000).", Stdin: Valid),
        new("--poll of 0.0000001 s", ["--context", "-", "--poll", "0.0000001"], 64, "--poll must be from 0.1 to 3600 seconds (was 1E-07).", Stdin: Valid),
        new("--poll NaN", ["--context", "-", "--poll", "NaN"], 64, "--poll must be from 0.1 to 3600 seconds (was NaN).", Stdin: Valid),
        new("--timeout beyond a TimeSpan", ["--context", "-", "--timeout", "1e15"], 64, "--timeout must be more than 0 and at most 2592000 seconds, 30 days (was 1000000000000000).", Stdin: Valid),
        new("--timeout 0", ["--context", "-", "--timeout", "0"], 64, "--timeout must be more than 0 and at most 2592000 seconds, 30 days (was 0).", Stdin: Valid),
        new("--poll longer than --timeout", ["--context", "-", "--poll", "60", "--timeout", "30"], 64, "--poll (60 s) must not be longer than --timeout (30 s).", Stdin: Valid),
        new("SENTINEL_TIMEOUT beyond a TimeSpan", ["--context", "-"], 64, "SENTINEL_TIMEOUT must be more than 0 and at most 2592000 seconds, 30 days (was 1000000000000000).", Stdin: Valid, Env: "SENTINEL_TIMEOUT=1e15"),
        new("SENTINEL_POLL_INTERVAL beyond a TimeSpan", ["--context", "-"], 64, "SENTINEL_POLL_INTERVAL must be from 0.1 to 3600 seconds (was 1000000000000000).", Stdin: Valid, Env: "SENTINEL_POLL_INTERVAL=1e15"),
        new("SENTINEL_POLL_INTERVAL not a number", ["--context", "-"], 64, "SENTINEL_POLL_INTERVAL must be a number (was 'ten').", Stdin: Valid, Env: "SENTINEL_POLL_INTERVAL=ten"),
        new("SENTINEL_STRAGGLER_MULTIPLIER that overflows", ["--context", "-"], 64, "SENTINEL_STRAGGLER_MULTIPLIER must be from 1 to 1000 (was 1E+300).", Stdin: Valid, Env: "SENTINEL_STRAGGLER_MULTIPLIER=1e300"),
        new("--poll not a number", ["--context", "-", "--poll", "soon"], 64, "--poll must be a number of seconds (was 'soon')", Stdin: Valid),
        new("demo --slots 0", ["demo", "--slots", "0"], 64, "--slots must be from 1 to 100000 (was 0)."),
        new("demo --timeout beyond a TimeSpan", ["demo", "--timeout", "1e15"], 64, "--timeout must be more than 0 and at most 2592000 seconds, 30 days (was 1000000000000000)."),
        new("demo --speed beyond the calendar (was a stack trace)", ["demo", "--speed", "1e308"], 64, "--speed must be from 1 to 100000 (was 1E+308)."),

        // The demo's trace and faults, named by their flags (not "Could not find a part of the path", not System.Text.Json's "Path: $ | LineNumber: 0").
        new("demo --trace missing", ["demo", "--trace", "/no/such/trace.json"], 64, "--trace '/no/such/trace.json' is neither a bundled trace (1000genome-chameleon-2ch-100k-001,"),
        new("demo --trace a directory", ["demo", "--trace", "{dir}"], 64, "--trace '{dir}' is a directory, not a trace file."),
        new("demo --trace not JSON", ["demo", "--trace", "{dir}/bad.env"], 64, "--trace '{dir}/bad.env' is not a trace: not valid JSON at line 1, byte 1."),
        new("demo --trace without tasks", ["demo", "--trace", "{dir}/duplicate.json"], 64, "--trace '{dir}/duplicate.json' has no 'tasks' array (nor a WfCommons 'workflow')."),
        new("demo --faults unknown", ["demo", "--faults", "oom,bogus"], 64, "--faults: unknown fault 'bogus' (known: oom, straggler, eviction, outage, failure, hang, vanish, or 'none')."),

        // Names, never numbers.
        new("--act with a number", ["--context", "-", "--act", "straggler=99"], 64, "--act 'straggler=99' must be KIND=ACTION, ACTION one of None, TerminateTask, TerminateWorkflow.", Stdin: Valid),
        new("--act with a misspelt kind (said before the cluster is reached)", ["--context", "-", "--kubeconfig", "{dir}/refused.yaml", "--act", "oom-kil=TerminateTask"], 64, "--act 'oom-kil=TerminateTask': no report kind is called 'oom-kil' (did you mean 'oom-kill'?).", Stdin: Valid),
        new("--act with a kind in another case", ["--context", "-", "--act", "OOM_KILL=TerminateTask"], 64, "--act 'OOM_KILL=TerminateTask': no report kind is called 'OOM_KILL' (did you mean 'oom-kill'?).", Stdin: Valid),
        new("--act with a kind like none", ["--context", "-", "--act", "everything=TerminateWorkflow"], 64, "--act 'everything=TerminateWorkflow': no report kind is called 'everything' (known: aborted, access-denied,", Stdin: Valid),
        new("SENTINEL_LOG_LEVEL a number", ["--context", "-"], 64, "SENTINEL_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, or one of Trace, Debug, Information, Warning, Error, Critical, None (was '42').", Stdin: Valid, Env: "SENTINEL_LOG_LEVEL=42"),
        new("--interventions a number", ["--context", "-", "--interventions", "2"], 64, "--interventions must be one of Off, DryRun, Enabled (was '2')", Stdin: Valid),
        new("--interventions Enabled without --checkpoints", ["--context", "-", "--interventions", "Enabled"], 64, "--interventions Enabled needs --checkpoints DIR: the hourly limit of interventions is kept there", Stdin: Valid),
        new("--mode a number", ["--context", "-", "--mode", "7"], 64, "--mode must be one of Watch, Poll (was '7')", Stdin: Valid),
        new("--output a number", ["demo", "--output", "1"], 64, "--output must be one of Text, Json (was '1')"),
        new("an unknown flag", ["--context", "-", "--pol"], 64, "Unrecognized command or argument '--pol'", Stdin: Valid),

        // Files and directories.
        new("--checkpoints is a file", ["--context", "-", "--kubeconfig", "{dir}/refused.yaml", "--checkpoints", "{dir}/duplicate.json"], 64, "--checkpoints '{dir}/duplicate.json' is a file, not a directory.", Stdin: Valid),
        new("--checkpoints cannot be created", ["--context", "-", "--kubeconfig", "{dir}/refused.yaml", "--checkpoints", "{dir}/duplicate.json/checkpoints"], 64, "--checkpoints '{dir}/duplicate.json/checkpoints' is not a writable directory", Stdin: Valid),
        new("--history is a file", ["--context", "-", "--kubeconfig", "{dir}/refused.yaml", "--history", "{dir}/duplicate.json"], 64, "--history '{dir}/duplicate.json' is a file, not a directory.", Stdin: Valid),
        new("workflow_name with leading white space", ["--context", "-"], 64, "$.workflow_name", Stdin: """{"namespace": "wf", "engine_pod_name": "engine", "workflow_name": " montage", "task_inventory": [{"name": "a-0", "task_type": "a"}], "dag_structure": {"a": []}}"""),
        new("--env-file missing", ["--context", "-", "--env-file", "/no/such/.env"], 64, "--env-file '/no/such/.env' does not exist.", Stdin: Valid),
        new("--env-file line without '='", ["--context", "-", "--env-file", "{dir}/bad.env"], 64, "{dir}/bad.env, line 2: expected KEY=value.", Stdin: Valid),
        new("--env-file with a quote left open", ["--context", "-", "--env-file", "{dir}/unclosed.env"], 64, "{dir}/unclosed.env, line 2: expected KEY=value.", Stdin: Valid),

        // Kubeconfigs.
        new("--kubeconfig missing", ["--context", "-", "--kubeconfig", "/no/such/kubeconfig"], 64, "--kubeconfig '/no/such/kubeconfig' does not exist.", Stdin: Valid),
        new("SENTINEL_KUBECONFIG missing", ["--context", "-"], 64, "SENTINEL_KUBECONFIG '/no/such/kubeconfig' does not exist.", Stdin: Valid, Env: "SENTINEL_KUBECONFIG=/no/such/kubeconfig"),
        new("--kubeconfig a directory", ["--context", "-", "--kubeconfig", "{dir}"], 64, "--kubeconfig '{dir}' is a directory, not a kubeconfig file.", Stdin: Valid),
        new("empty kubeconfig", ["--context", "-", "--kubeconfig", "{dir}/empty.yaml"], 64, "The kubeconfig '{dir}/empty.yaml' is empty (from --kubeconfig).", Stdin: Valid),
        new("empty kubeconfig from the variable", ["--context", "-"], 64, "The kubeconfig '{dir}/empty.yaml' is empty (from SENTINEL_KUBECONFIG).", Stdin: Valid, Env: "SENTINEL_KUBECONFIG={dir}/empty.yaml"),
        new("kubeconfig of comments only", ["--context", "-", "--kubeconfig", "{dir}/comments.yaml"], 64, "The kubeconfig '{dir}/comments.yaml' is empty (from --kubeconfig).", Stdin: Valid),
        new("kubeconfig that is not YAML", ["--context", "-", "--kubeconfig", "{dir}/broken.yaml"], 64, "The kubeconfig '{dir}/broken.yaml' is not a valid kubeconfig (YAML) at line 3, column 1 (from --kubeconfig).", Stdin: Valid),
        new("kubeconfig without a current context", ["--context", "-", "--kubeconfig", "{dir}/no-context.yaml"], 64, "The kubeconfig '{dir}/no-context.yaml' has no current-context: choose one of 'c' with 'kubectl config use-context NAME --kubeconfig {dir}/no-context.yaml' (from --kubeconfig).", Stdin: Valid),
        new("kubeconfig naming a missing cluster", ["--context", "-", "--kubeconfig", "{dir}/no-cluster.yaml"], 64, "The kubeconfig '{dir}/no-cluster.yaml': context 'c' names cluster 'nope', which is not in its clusters (from --kubeconfig).", Stdin: Valid),
        new("credential plugin printing a bare token", ["--context", "-", "--kubeconfig", "{dir}/plugin-token.yaml"], 64, "The kubeconfig '{dir}/plugin-token.yaml': the credential plugin 'print-token.sh' of user 'u' (users[].user.exec) did not print credentials", Stdin: Valid),
        new("credential plugin printing the wrong JSON", ["--context", "-", "--kubeconfig", "{dir}/plugin-json.yaml"], 64, "The kubeconfig '{dir}/plugin-json.yaml': the credential plugin 'print-json.sh' of user 'u' (users[].user.exec) did not print credentials", Stdin: Valid),
        new("credential plugin not installed", ["--context", "-", "--kubeconfig", "{dir}/plugin-missing.yaml"], 64, "the credential plugin 'no-such-plugin' of user 'u' (users[].user.exec) could not be started: is it installed, and on the PATH? (from --kubeconfig).", Stdin: Valid),
        new("credential plugin failing when asked again for a token", ["--context", "-", "--kubeconfig", "{dir}/plugin-refresh.yaml"], 64, "The kubeconfig '{dir}/plugin-refresh.yaml': the credential plugin 'refresh.sh' of user 'u' (users[].user.exec) did not print credentials", Stdin: Valid),
        new("client key that is not a key", ["--context", "-", "--kubeconfig", "{dir}/bad-key.yaml"], 64, "The kubeconfig '{dir}/bad-key.yaml' has a client certificate or key that cannot be loaded", Stdin: Valid),

        // Servers.
        new("a server that answers HTML", ["--context", "-", "--kubeconfig", "{dir}/html.yaml"], 69, "execution-sentinel: The server at {html} answered 200 OK with text/html, not Kubernetes JSON: \"<!DOCTYPE html> <html><head><title>Sign in</title></head><body>Sign in to contin…\". Is it the cluster's API server?", Stdin: Valid),
        new("a server whose certificate is not trusted", ["--context", "-", "--kubeconfig", "{dir}/tls.yaml"], 69, "execution-sentinel: cannot reach the cluster: The SSL connection could not be established: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot ({tls}). The server's certificate is not trusted: check the cluster's certificate-authority or certificate-authority-data in the kubeconfig.", Stdin: Valid),
        new("no server at the address", ["--context", "-", "--kubeconfig", "{dir}/refused.yaml"], 69, "execution-sentinel: cannot reach the cluster: Connection refused (127.0.0.1:1).", Stdin: Valid),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_exits_with_its_code_and_one_line_that_says_what_and_where(BadInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var args = input.Args[0] == "demo" ? input.Args : ["watch", .. input.Args];
        var environment = new Dictionary<string, string> { ["SENTINEL_LOG_LEVEL"] = "Trace" };
        if (input.Env is { } variable)
        {
            var (name, value) = (variable[..variable.IndexOf('=', StringComparison.Ordinal)], variable[(variable.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[name] = files.Expand(value);
        }

        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. args.Select(files.Expand)], input.Stdin, environment, workingDirectory: files.Directory);

        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exit == input.ExitCode, $"{input}: exit {exit}: {stderr}");
        var line = Assert.Single(lines);
        Assert.StartsWith("execution-sentinel: ", line, StringComparison.Ordinal);
        Assert.True(line.Contains(files.Expand(input.Message), StringComparison.Ordinal), $"Expected '{files.Expand(input.Message)}' in: {line}");
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stdout + stderr, StringComparison.Ordinal);
    }

    /// <summary>One row: the flags after <c>watch</c> (or a <c>demo</c> command), what is piped in, one variable, and what must come out.</summary>
    public sealed record BadInput(string Name, string[] Args, int ExitCode, string Message, string? Stdin = null, string? Env = null)
    {
        public override string ToString() => Name;
    }

    private static string Context(string ns, string pod, string container = "hyperflow") =>
        System.Text.Json.JsonSerializer.Serialize(new { @namespace = ns, engine_pod_name = pod, engine_container = container });

    /// <summary>The files and servers of the table, made once: contexts, kubeconfigs, credential plugins, an HTML server and a TLS server.</summary>
    public sealed class Files : IAsyncLifetime
    {
        private StubHttpServer? _html;
        private StubHttpServer? _tls;

        public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sentinel-bad-input").FullName;

        public string Expand(string text) => text
            .Replace("{dir}", Directory, StringComparison.Ordinal)
            .Replace("{html}", _html?.Address.ToString().TrimEnd('/') ?? "", StringComparison.Ordinal)
            .Replace("{tls}", _tls?.Address.ToString().TrimEnd('/') ?? "", StringComparison.Ordinal);

        public async Task InitializeAsync()
        {
            _html = StubHttpServer.Html();
            _tls = StubHttpServer.UntrustedTls();
            var bad = Encoding.UTF8.GetBytes("{\"engine_pod_name\": \"engine\",\n \"namespace\": \"wf-é\"}");
            bad[Array.IndexOf(bad, (byte)0xC3)] = 0xFF; // é's first byte: a byte that is never UTF-8.
            await File.WriteAllBytesAsync(Path.Combine(Directory, "invalid-utf8.json"), bad);
            await Write("duplicate.json", "{\"namespace\": \"wf\",\n \"namespace\": \"other\", \"engine_pod_name\": \"engine\"}");
            await Write("cycle.json", System.Text.Json.JsonSerializer.Serialize(new { @namespace = "wf", engine_pod_name = "engine", dag_structure = WorkflowIndexTests.Chain(100_000, closed: true) }));
            await Write("chain.json", System.Text.Json.JsonSerializer.Serialize(new { @namespace = "wf", engine_pod_name = "engine", dag_structure = WorkflowIndexTests.Chain(100_000, closed: false) }));
            await Write("bad.env", $"SENTINEL_TIMEOUT=30\n{Secret}\n");
            await Write("unclosed.env", $"SENTINEL_TIMEOUT=30\nSENTINEL_KUBECONFIG=\"{Secret}\nSENTINEL_LOG_LEVEL=INFO\n");
            await Write("empty.yaml", "");
            await Write("comments.yaml", "# nothing here yet\n");
            await Write("broken.yaml", "apiVersion: v1\nclusters: [\n");
            await Write("no-context.yaml", Kubeconfig("http://127.0.0.1:1", $"token: {Secret}").Replace("current-context: c\n", "", StringComparison.Ordinal));
            await Write("no-cluster.yaml", Kubeconfig("http://127.0.0.1:1", $"token: {Secret}").Replace("cluster: c, user: u", "cluster: nope, user: u", StringComparison.Ordinal));
            await Write("refused.yaml", Kubeconfig("http://127.0.0.1:1", $"token: {Secret}"));
            await Write("html.yaml", Kubeconfig(_html.Address.ToString(), $"token: {Secret}"));
            await Write("tls.yaml", Kubeconfig(_tls.Address.ToString(), $"token: {Secret}"));
            await Plugin("print-token.sh", $"echo '{Secret}'");
            await Plugin("print-json.sh", $"echo '{{\"apiVersion\": \"{Secret}\", \"kind\": \"ExecCredential\", \"status\": {{\"token\": \"{Secret}\"}}}}'");
            // Credentials the first time (the kubeconfig is read), the bare token the next (the first request).
            await Plugin("refresh.sh", $"if [ -f '{Directory}/refreshed' ]; then echo '{Secret}'; else touch '{Directory}/refreshed'; echo '{Credential}'; fi");
            await Write("plugin-refresh.yaml", Kubeconfig("http://127.0.0.1:1", Exec(Path.Combine(Directory, "refresh.sh"))));
            await Write("plugin-token.yaml", Kubeconfig("http://127.0.0.1:1", Exec(Path.Combine(Directory, "print-token.sh"))));
            await Write("plugin-json.yaml", Kubeconfig("http://127.0.0.1:1", Exec(Path.Combine(Directory, "print-json.sh"))));
            await Write("plugin-missing.yaml", Kubeconfig("http://127.0.0.1:1", Exec("no-such-plugin")));
            var key = Convert.ToBase64String(Encoding.ASCII.GetBytes($"-----BEGIN PRIVATE KEY-----\n{Secret}\n-----END PRIVATE KEY-----\n"));
            await Write("bad-key.yaml", Kubeconfig("https://127.0.0.1:1", $"client-certificate-data: {key}\n    client-key-data: {key}"));
        }

        public async Task DisposeAsync()
        {
            if (_html is not null)
            {
                await _html.DisposeAsync();
            }

            if (_tls is not null)
            {
                await _tls.DisposeAsync();
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }

        private Task Write(string name, string text) => File.WriteAllTextAsync(Path.Combine(Directory, name), text);

        private async Task Plugin(string name, string command)
        {
            var path = Path.Combine(Directory, name);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\n{command}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        private static string Exec(string command) => $"exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {command}";

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
}
