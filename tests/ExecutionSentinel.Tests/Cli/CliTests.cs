using System.Text.Json;
using ExecutionSentinel.FakeKube;
using ExecutionSentinel.Testing;
using ExecutionSentinel.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>The command-line tool in its own process: output formats, exit codes, bad input, and a real watch over HTTP.</summary>
public sealed class CliTests
{
    private const string ValidContext = """
        {"namespace": "wf-1000g-20260221", "engine_pod_name": "hyperflow-engine-0", "engine_container": "hyperflow",
         "task_inventory": [{"name": "sifting-0", "task_type": "sifting", "dag_order": 2, "expected_duration_seconds": 45.0}],
         "dag_structure": {"sifting": []}}
        """;

    [Fact]
    public async Task Demo_json_output_is_NDJSON_with_the_Python_event_names_then_a_summary()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync(["demo", "--speed", "25", "--output", "json"]);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var names = events.Select(e => e.GetProperty("event").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "PROGRESS", "ANOMALY_OOMKILL", "ANOMALY_STRAGGLER", "CONNECTIVITY_LOSS", "COMPLETION", "POD_EVICTED", "SUMMARY" }, names);
        var summary = events[^1];
        Assert.Equal("SUMMARY", summary.GetProperty("event").GetString());
        Assert.Equal("completed", summary.GetProperty("outcome").GetString());
        Assert.Equal(0, summary.GetProperty("exit_code").GetInt32());
        Assert.All(events.SkipLast(1), e =>
        {
            Assert.Equal(JsonValueKind.Object, e.GetProperty("progress").ValueKind);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString()));
            Assert.Equal(JsonValueKind.Object, e.GetProperty("details").ValueKind);
            Assert.Equal(e.GetProperty("kind").GetString() == "oom-risk", e.GetProperty("risk").GetBoolean());
        });
        Assert.All(events, e => AssertSnakeCaseKeys(e, "$"));

        // Both the kill and the warning that followed are ANOMALY_OOMKILL, as in the Python tool; the warning says it is one.
        var oom = events.Where(e => e.GetProperty("event").GetString() == "ANOMALY_OOMKILL").ToList();
        var kill = Assert.Single(oom, e => !e.GetProperty("risk").GetBoolean());
        var risk = Assert.Single(oom, e => e.GetProperty("risk").GetBoolean());
        Assert.Equal("oom-kill", kill.GetProperty("kind").GetString());
        Assert.Equal("oom-risk", risk.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Number, kill.GetProperty("details").GetProperty("attempt").ValueKind);
        Assert.Equal(137, kill.GetProperty("details").GetProperty("exit_code").GetInt32());
        Assert.Equal(JsonValueKind.Array, risk.GetProperty("details").GetProperty("tasks").ValueKind);
        Assert.Equal(risk.GetProperty("details").GetProperty("tasks").GetArrayLength(), risk.GetProperty("details").GetProperty("count").GetInt32());

        var straggler = events.First(e => e.GetProperty("event").GetString() == "ANOMALY_STRAGGLER").GetProperty("details");
        Assert.True(straggler.GetProperty("elapsed_seconds").GetDouble() > straggler.GetProperty("expected_seconds").GetDouble() * straggler.GetProperty("multiplier").GetDouble());
        var lost = events.First(e => e.GetProperty("event").GetString() == "CONNECTIVITY_LOSS").GetProperty("details");
        Assert.Equal(JsonValueKind.True, lost.GetProperty("ever_observed").ValueKind);
        Assert.Equal(JsonValueKind.Number, lost.GetProperty("consecutive_failures").ValueKind);
        Assert.Equal(JsonValueKind.Number, summary.GetProperty("duration_seconds").ValueKind);
        Assert.Equal(JsonValueKind.False, summary.GetProperty("timed_out").ValueKind);
    }

    /// <summary>Every key of a line, nested ones too, in snake_case (values are not keys: task names keep their case).</summary>
    private static void AssertSnakeCaseKeys(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                Assert.True(System.Text.RegularExpressions.Regex.IsMatch(property.Name, "^[a-z][a-z0-9_]*$"), $"{path}.{property.Name} is not snake_case");
                AssertSnakeCaseKeys(property.Value, $"{path}.{property.Name}");
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                AssertSnakeCaseKeys(item, path + "[]");
            }
        }
    }

    [Fact]
    public async Task Demo_text_output_off_a_terminal_is_plain_lines_and_a_summary()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync(["demo", "--speed", "3000", "--trace", "srasearch-chameleon-10a-001", "--faults", "none"]);

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("\u001b[", stdout, StringComparison.Ordinal);
        Assert.Contains("Outcome:   Completed", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_context_file_is_a_usage_error_naming_the_file()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(["watch", "--context", "/no/such/context.json"]);

        Assert.Equal(64, exit);
        Assert.Contains("/no/such/context.json", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_JSON_names_the_line_and_column()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(["watch", "--context", "-"], stdin: "{\n  \"namespace\": \"x\",\n  \"engine_pod_name\": oops\n}");

        Assert.Equal(64, exit);
        Assert.Contains("line 3, column", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_context_lists_every_problem()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync(
            ["watch", "--context", "-"],
            stdin: """{"namespace": "", "engine_pod_name": 5, "task_inventory": [{"name": "a", "task_type": "t", "dag_order": "x"}], "dag_structure": []}""");

        Assert.Equal(64, exit);
        Assert.Contains("$.engine_pod_name must be a string", stderr, StringComparison.Ordinal);
        Assert.Contains("$.task_inventory[0].dag_order must be an integer", stderr, StringComparison.Ordinal);
        Assert.Contains("$.dag_structure must be an object", stderr, StringComparison.Ordinal);
        Assert.Contains("$.namespace is empty", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("$.engine_pod_name is empty", stderr, StringComparison.Ordinal); // Already said: not a string.
    }

    [Fact]
    public async Task Bad_environment_variables_are_named_and_a_dotenv_file_is_read()
    {
        var folder = Directory.CreateTempSubdirectory("sentinel-env").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, ".env"), "# from the Python tool\nSENTINEL_TIMEOUT=soon\n");

        var (exit, _, stderr) = await CliRunner.RunAsync(
            ["watch", "--context", "-"], stdin: ValidContext, environment: new Dictionary<string, string> { ["SENTINEL_POLL_INTERVAL"] = "ten" }, workingDirectory: folder);

        Assert.Equal(64, exit);
        Assert.Contains("SENTINEL_POLL_INTERVAL must be a number (was 'ten')", stderr, StringComparison.Ordinal);
        Assert.Contains("SENTINEL_TIMEOUT must be a number (was 'soon')", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_kubeconfig_is_a_usage_error_and_an_unreachable_cluster_exits_69()
    {
        var missing = await CliRunner.RunAsync(["watch", "--context", "-", "--kubeconfig", "/no/such/kubeconfig"], stdin: ValidContext);
        Assert.Equal(64, missing.ExitCode);
        Assert.Contains("/no/such/kubeconfig", missing.Stderr, StringComparison.Ordinal);

        using var kubectl = new Kubectl(new Uri("http://127.0.0.1:1"));
        var unreachable = await CliRunner.RunAsync(["watch", "--context", "-", "--kubeconfig", kubectl.KubeconfigPath], stdin: ValidContext);
        Assert.Equal(69, unreachable.ExitCode);
        Assert.Contains("cannot reach the cluster", unreachable.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-secret", unreachable.Stderr + unreachable.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, "completed")]
    [InlineData(1, 1, "failed")]
    [InlineData(null, 2, "timedout")]
    public async Task Watch_over_a_real_API_server_ends_with_the_documented_exit_code(int? engineExit, int expectedExit, string outcome)
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        var cluster = new SimulatedCluster(trace, time, new SimulatedClusterOptions { EngineExitCode = engineExit, EngineSignals = engineExit is not null });
        var driver = new HyperFlowClusterDriver(server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-cli"));
        time.Advance(TimeSpan.FromMinutes(50)); // The whole run has happened: the tool sees its end at once.
        driver.Sync(time.GetUtcNow());
        var context = JsonSerializer.Serialize(new
        {
            @namespace = driver.Namespace,
            engine_pod_name = driver.EnginePodName,
            task_inventory = trace.Tasks.Select((t, i) => new { name = t.Name, task_type = t.Category, dag_order = i }),
            dag_structure = new Dictionary<string, string[]>(),
        });
        using var kubectl = new Kubectl(server.Address);

        var (exit, stdout, stderr) = await CliRunner.RunAsync(
            ["watch", "--context", "-", "--output", "json", "--timeout", "3"],
            stdin: context,
            environment: new Dictionary<string, string> { ["SENTINEL_POLL_INTERVAL"] = "0.5", ["SENTINEL_KUBECONFIG"] = kubectl.KubeconfigPath });

        Assert.True(exit == expectedExit, $"exit {exit}: {stderr}");
        var summary = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal(outcome, summary.GetProperty("outcome").GetString());
        Assert.Equal(trace.Tasks.Count, summary.GetProperty("total_tasks").GetInt32());
        Assert.Equal(engineExit == 1 ? trace.Tasks.Count : trace.Tasks.Count, summary.GetProperty("completed_tasks").GetInt32());
    }

    [Fact]
    public async Task No_token_key_or_plugin_output_is_printed_or_logged_even_at_the_most_verbose_level()
    {
        // Plain HTTP, so that the client certificate below is only carried, never checked; the plugin's token is the
        // credential the server knows.
        await using var server = await FakeKubeApiServer.StartAsync(new FakeKubeOptions { UseTls = false });
        server.Auth.AddToken(BadInputTests.Secret, "sentinel", Grant.Everything);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        var cluster = new SimulatedCluster(trace, time, new SimulatedClusterOptions { EngineExitCode = 0 });
        var driver = new HyperFlowClusterDriver(server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-cli-secrets"));
        time.Advance(TimeSpan.FromMinutes(50));
        driver.Sync(time.GetUtcNow());
        var context = JsonSerializer.Serialize(new
        {
            @namespace = driver.Namespace,
            engine_pod_name = driver.EnginePodName,
            task_inventory = trace.Tasks.Select((t, i) => new { name = t.Name, task_type = t.Category, dag_order = i }),
        });
        var folder = Directory.CreateTempSubdirectory("sentinel-secrets").FullName;
        var plugin = Path.Combine(folder, "credentials.sh");
        await File.WriteAllTextAsync(plugin, $"#!/bin/sh\necho '{BadInputTests.Credential}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=sentinel", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        var keyData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(keyPem));
        var certificateData = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        var kubeconfig = Path.Combine(folder, "kubeconfig.yaml");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: {server.Address.ToString().TrimEnd('/')}
            users:
            - name: u
              user:
                client-certificate-data: {certificateData}
                client-key-data: {keyData}
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: {plugin}
            contexts:
            - name: c
              context: {"{"}cluster: c, user: u{"}"}
            current-context: c

            """);

        var (exit, stdout, stderr) = await CliRunner.RunAsync(
            ["watch", "--context", "-", "--output", "json", "--poll", "0.5", "--timeout", "3", "--kubeconfig", kubeconfig],
            stdin: context,
            environment: new Dictionary<string, string> { ["SENTINEL_LOG_LEVEL"] = "Trace" });

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("dbug:", stderr, StringComparison.Ordinal); // The most verbose logs were written…
        foreach (var secret in new[] { "sekret-4242", keyData, certificateData, keyPem.Split('\n')[1] })
        {
            Assert.DoesNotContain(secret, stdout + stderr, StringComparison.Ordinal); // …and hold no secret.
        }
    }

    [Fact]
    public async Task Ctrl_C_ends_cleanly_with_the_last_counts_and_exit_code_130()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync(
            ["demo", "--speed", "20", "--faults", "none"],
            interruptWhen: line => line.Contains("progress", StringComparison.Ordinal));

        Assert.True(exit == 130, $"exit {exit}: {stderr}");
        Assert.Contains("Interrupted after", stdout, StringComparison.Ordinal);
        Assert.Contains("completed,", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_with_checkpoints_does_not_repeat_itself_and_a_dry_run_intervention_on_a_Job_that_no_longer_runs_is_reported_refused()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        var options = new SimulatedClusterOptions();
        options.Faults.Add(SimulatedFault.OomKill(trace.Tasks[^1].Name));
        var cluster = new SimulatedCluster(trace, time, options);
        var driver = new HyperFlowClusterDriver(server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-cli2"));
        time.Advance(TimeSpan.FromMinutes(50));
        driver.Sync(time.GetUtcNow());
        var context = JsonSerializer.Serialize(new
        {
            @namespace = driver.Namespace,
            engine_pod_name = driver.EnginePodName,
            task_inventory = trace.Tasks.Select((t, i) => new { name = t.Name, task_type = t.Category, dag_order = i }),
        });
        using var kubectl = new Kubectl(server.Address);
        var checkpoints = Directory.CreateTempSubdirectory("sentinel-cli-checkpoints").FullName;
        string[] args = ["watch", "--context", "-", "--output", "json", "--kubeconfig", kubectl.KubeconfigPath, "--poll", "0.5",
            "--checkpoints", checkpoints, "--interventions", "DryRun", "--act", "oom-kill=TerminateTask"];

        var first = await CliRunner.RunAsync(args, stdin: context);
        var second = await CliRunner.RunAsync(args, stdin: context);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var firstEvents = Events(first.Stdout);
        var secondEvents = Events(second.Stdout);
        Assert.Single(firstEvents, e => e.Kind == "oom-kill");
        // The OOM-killed attempt's Job no longer runs (the task went on in a new one): even a dry run says it would not act.
        Assert.Contains(firstEvents, e => e.Kind == "intervention" && e.Outcome is "RefusedNotRunning" or "RefusedNotObserved");
        Assert.DoesNotContain(secondEvents, e => e.Kind is "oom-kill" or "phase-started");
        Assert.Equal("SUMMARY", secondEvents[^1].Event);
    }

    [Fact]
    public async Task Watch_with_history_learns_the_runs_durations_under_the_contexts_workflow_name()
    {
        await using var server = await FakeKubeApiServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var trace = WorkflowTrace.LoadBundled("srasearch-chameleon-10a-001");
        var cluster = new SimulatedCluster(trace, time, new SimulatedClusterOptions());
        var driver = new HyperFlowClusterDriver(server, cluster, HyperFlowObjects.FromHyperFlowTemplate("wf-cli3"));
        time.Advance(TimeSpan.FromMinutes(50));
        driver.Sync(time.GetUtcNow());
        var context = JsonSerializer.Serialize(new
        {
            @namespace = driver.Namespace,
            engine_pod_name = driver.EnginePodName,
            workflow_name = "srasearch",
            task_inventory = trace.Tasks.Select((t, i) => new { name = t.Name, task_type = t.Category, dag_order = i }),
        });
        using var kubectl = new Kubectl(server.Address);
        var history = Directory.CreateTempSubdirectory("sentinel-cli-history").FullName;

        var run = await CliRunner.RunAsync(
            ["watch", "--context", "-", "--output", "json", "--kubeconfig", kubectl.KubeconfigPath, "--poll", "0.5", "--history", history],
            stdin: context);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var file = Assert.Single(Directory.GetFiles(history, "*.json"));
        var learned = File.ReadAllText(file);
        Assert.Contains("srasearch", learned, StringComparison.Ordinal);
        Assert.All(trace.Tasks, t => Assert.Contains(t.Name, learned, StringComparison.Ordinal)); // every task finished before the watch began
    }

    private static List<(string Event, string? Kind, string? Outcome)> Events(string ndjson) =>
        [.. ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).Select(e => (
            e.GetProperty("event").GetString()!,
            e.TryGetProperty("kind", out var kind) ? kind.GetString() : null,
            e.TryGetProperty("details", out var details) && details.TryGetProperty("outcome", out var outcome) ? outcome.GetString() : null))];
}
