using System.Net;
using ExecutionSentinel.Kubernetes.Connection;
using ExecutionSentinel.Kubernetes.Informing;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Kubernetes.Mapping.Wire;
using k8s;
using k8s.Autorest;
using Microsoft.AspNetCore.Http;
using NSubstitute;
using static ExecutionSentinel.Tests.Kubernetes.Informing.ScriptedApiServer;

namespace ExecutionSentinel.Tests.Kubernetes.Informing;

/// <summary>
/// Lists and watches against a server that sends what a real one should not (broken lines, odd shapes, errors, huge
/// objects, stalls), read both ways the probe reads: straight off the wire (KubernetesClient's own client) and through the
/// generated calls (any other <see cref="IKubernetes"/>). The wire path must do at least what the generated one did.
/// </summary>
public sealed class HostileWireTests
{
    /// <summary>Past this, a read is hung: the test fails instead of waiting for ever (not a speed target).</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    public static TheoryData<bool> BothPaths => [true, false];

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task Lines_that_cannot_be_read_are_reported_and_the_watch_goes_on(bool wire)
    {
        await using var server = await StartAsync(watch: async (c, _) => await WriteAsync(c,
            Event("ADDED", Pod("a", 2))
            + "{\"type\":\"MODIFIED\",\"object\":{garbage\n"
            + "not json at all\n"
            + Event("ADDED", "[1,2,3]")
            + Event("ADDED", Pod("x", 4).Replace("\"resourceVersion\":\"4\"", "\"resourceVersion\":{\"nested\":true}", StringComparison.Ordinal))
            + "\n\n   \r\n\t\n"
            + Event("MODIFIED", Pod("b", 5))));
        using var client = Client(server, wire);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a", "b"], items.Select(i => i.Item!.Name));

        // The client's own reader reports each blank line as unreadable too; the wire's skips them.
        Assert.Equal(wire ? 4 : 8, errors.Count);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task An_unknown_event_type_is_reported_and_the_watch_goes_on(bool wire)
    {
        // The informer resumes a failed watch from the last version it applied: a watch that stopped at an event it cannot
        // read would be replayed that event, and stop there, for ever.
        await using var server = await StartAsync(watch: async (c, _) => await WriteAsync(c,
            Event("ADDED", Pod("a", 2)) + Event("SURPRISE", Pod("x", 3)) + Event("MODIFIED", Pod("b", 4))));
        using var client = Client(server, wire);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a", "b"], items.Select(i => i.Item!.Name));
        Assert.Single(errors);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task JSON_lines_that_are_not_watch_events_are_reported(bool wire)
    {
        // A server or proxy that ignores watch=true answers with a list; a watch that skipped it in silence and ended
        // would look healthy, and be reopened at once, for ever.
        await using var server = await StartAsync(watch: async (c, _) => await WriteAsync(c,
            List(Pod("x", 2)) + "\n"
            + "null\n"
            + "{}\n"
            + """{"type":"ADDED","object":null}""" + "\n"
            + """{"type":"ADDED"}""" + "\n"
            + """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":500}""" + "\n"
            + Event("ADDED", Pod("a", 3))));
        using var client = Client(server, wire);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a"], items.Select(i => i.Item!.Name));
        Assert.Equal(6, errors.Count);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_body_that_ends_mid_line_ends_the_watch_with_an_error(bool wire)
    {
        await using var server = await StartAsync(watch: async (c, _) => await WriteAsync(c,
            Event("ADDED", Pod("a", 2)) + """{"type":"ADDED","object":{"kind":"Pod","metadata":{"na"""));
        using var client = Client(server, wire);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a"], items.Select(i => i.Item!.Name));
        Assert.Single(errors);
    }

    public static TheoryData<bool, string, int?> ErrorEvents => new()
    {
        { true, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}""", 410 },
        { false, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}""", 410 },
        { true, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcd is sad","reason":"InternalError","code":500}""", 500 },
        { false, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"etcd is sad","reason":"InternalError","code":500}""", 500 },
        { true, """{"kind":"Status","apiVersion":"v1","metadata":{},"message":"no code, no status"}""", null },
        { false, """{"kind":"Status","apiVersion":"v1","metadata":{},"message":"no code, no status"}""", null },
    };

    [Theory]
    [MemberData(nameof(ErrorEvents))]
    public async Task An_ERROR_event_reaches_onError_as_a_KubernetesException_with_its_code(bool wire, string status, int? code)
    {
        await using var server = await StartAsync(watch: async (c, _) => await WriteAsync(c, Event("ADDED", Pod("a", 2)) + Event("ERROR", status)));
        using var client = Client(server, wire);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a"], items.Select(i => i.Item!.Name));
        var error = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(code, error.Status?.Code);
    }

    public static TheoryData<bool, string> Sparse => new()
    {
        { true, """{"kind":"Pod"}""" },
        { false, """{"kind":"Pod"}""" },
        { true, """{"kind":"Pod","metadata":{"name":"p","labels":null},"spec":{"containers":null},"status":null}""" },
        { false, """{"kind":"Pod","metadata":{"name":"p","labels":null},"spec":{"containers":null},"status":null}""" },
        { true, """{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Failed","containerStatuses":[{"name":"c"}],"initContainerStatuses":null,"conditions":[{}]}}""" },
        { false, """{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Failed","containerStatuses":[{"name":"c"}],"initContainerStatuses":null,"conditions":[{}]}}""" },
    };

    [Theory]
    [MemberData(nameof(Sparse))]
    public async Task A_pod_missing_what_the_projection_reads_is_still_read(bool wire, string pod)
    {
        await using var server = await StartAsync(
            list: (c, _) => JsonAsync(c, 200, List(pod)),
            watch: async (c, _) => await WriteAsync(c, Event("ADDED", pod)));
        using var client = Client(server, wire, taskTypeLabel: "hyperflow.io/task-type");

        var page = await client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);
        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Single(page.Items);
        Assert.Single(items);
        Assert.Empty(errors);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_job_without_labels_or_status_is_still_read(bool wire)
    {
        const string Job = """{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j","resourceVersion":"3"},"spec":{"template":{"spec":{"containers":[{"name":"c"}]}}}}""";
        await using var server = await StartAsync(list: (c, _) => JsonAsync(c, 200, List(Job).Replace("PodList", "JobList", StringComparison.Ordinal)));
        using var client = Client(server, wire, taskTypeLabel: "hyperflow.io/task-type");

        var page = await client.Jobs.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);

        var job = Assert.Single(page.Items);
        Assert.Equal("j", job.Name);
        Assert.Null(job.TaskTypeLabel);
    }

    public static TheoryData<bool, string> OddPages => new()
    {
        { true, """{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[]}""" },
        { false, """{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[]}""" },
        { true, """{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":null}""" },
        { false, """{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":null}""" },
        { true, """{"kind":"PodList","metadata":{"resourceVersion":"7"}}""" },
        { false, """{"kind":"PodList","metadata":{"resourceVersion":"7"}}""" },
    };

    [Theory]
    [MemberData(nameof(OddPages))]
    public async Task A_page_without_items_is_an_empty_page(bool wire, string body)
    {
        await using var server = await StartAsync(list: (c, _) => JsonAsync(c, 200, body));
        using var client = Client(server, wire);

        var page = await client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);

        Assert.Empty(page.Items);
        Assert.Equal("7", page.ResourceVersion);
        Assert.Null(page.Continue);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_page_without_metadata_has_no_resource_version(bool wire)
    {
        await using var server = await StartAsync(list: (c, _) => JsonAsync(c, 200, $$"""{"kind":"PodList","items":[{{Pod("a", 2)}}]}"""));
        using var client = Client(server, wire);

        var page = await client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);

        Assert.Equal("a", Assert.Single(page.Items).Name);
        Assert.Null(page.ResourceVersion);
    }

    public static TheoryData<bool, string, string> NotJson => new()
    {
        { true, "text/html", "<!DOCTYPE html>\n<html><body>Sign in</body></html>" },
        { false, "text/html", "<!DOCTYPE html>\n<html><body>Sign in</body></html>" },
        { true, "application/json", """{"kind":"PodList","items":[{"kind":"Pod","metadata":{"name":"a"}},{"kind":"Po""" },
        { false, "application/json", """{"kind":"PodList","items":[{"kind":"Pod","metadata":{"name":"a"}},{"kind":"Po""" },
        { true, "application/json", "" },
        { false, "application/json", "" },
    };

    [Theory]
    [MemberData(nameof(NotJson))]
    public async Task A_200_list_that_is_not_a_list_fails_as_a_transient_failure(bool wire, string contentType, string body)
    {
        await using var server = await StartAsync(list: async (c, _) =>
        {
            c.Response.ContentType = contentType;
            await c.Response.WriteAsync(body);
        });
        using var client = Client(server, wire);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None));

        Assert.True(KubernetesResilience.IsTransient(error), $"a garbled body should be retried: {error}");
    }

    public static TheoryData<bool, string> NotAList => new()
    {
        { true, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"upstream connect error","code":503}""" },
        { false, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"upstream connect error","code":503}""" },
        { true, "{}" },
        { false, "{}" },
        { true, "null" },
        { false, "null" },
    };

    [Theory]
    [MemberData(nameof(NotAList))]
    public async Task A_200_answer_to_a_list_that_is_no_list_fails_instead_of_reading_as_empty(bool wire, string body)
    {
        // Read as an empty list, it would tell the cache that every task's pod is gone.
        await using var server = await StartAsync(list: (c, _) => JsonAsync(c, 200, body));
        using var client = Client(server, wire);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None));

        Assert.True(KubernetesResilience.IsTransient(error), $"an answer that is no list should be retried: {error}");
    }

    public static TheoryData<bool, int, bool> Refusals => new()
    {
        { true, 401, false }, { false, 401, false }, { true, 403, false }, { false, 403, false },
        { true, 401, true }, { false, 401, true }, { true, 403, true }, { false, 403, true },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_401_or_403_is_an_access_denial_whose_message_holds_no_token(bool wire, int code, bool watch)
    {
        var refusal = (HttpContext c, int _) => JsonAsync(c, code, $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: nope","reason":"Forbidden","code":{{code}}}""");
        await using var server = await StartAsync(list: refusal, watch: refusal);
        using var client = Client(server, wire);

        var error = watch
            ? await Assert.ThrowsAnyAsync<Exception>(async () => await WatchAsync(client.Pods))
            : await Assert.ThrowsAnyAsync<Exception>(() => client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None));

        var denial = KubernetesFailures.AccessDenied(error, watch ? "watch" : "list", "pods", "wf");
        Assert.NotNull(denial);
        Assert.Equal(code, denial.StatusCode);
        Assert.Equal("pods is forbidden: nope", denial.Message);
        Assert.DoesNotContain(Token, error.ToString(), StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.Equal($"Bearer {Token}", r.Authorization));
    }

    public static TheoryData<bool, int, bool> Transient => new()
    {
        { true, 429, true }, { false, 429, true }, { true, 500, true }, { false, 500, true }, { true, 503, true }, { false, 503, true },
        { true, 404, false }, { false, 404, false },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task A_failed_list_is_retried_only_when_it_may_pass(bool wire, int code, bool transient)
    {
        await using var server = await StartAsync(list: (c, _) => JsonAsync(c, code, $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","code":{{code}}}"""));
        using var client = Client(server, wire);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None));

        Assert.Equal(transient, KubernetesResilience.IsTransient(error));
        Assert.Equal((HttpStatusCode)code, Assert.IsType<HttpOperationException>(error).Response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_410_answer_to_a_watch_is_an_HttpOperationException_Gone(bool wire)
    {
        await using var server = await StartAsync(watch: (c, _) => JsonAsync(c, 410, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Expired","code":410}"""));
        using var client = Client(server, wire);

        var error = await Assert.ThrowsAsync<HttpOperationException>(async () => await WatchAsync(client.Pods));

        Assert.Equal(HttpStatusCode.Gone, error.Response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task Cancelling_a_watch_stalled_mid_line_ends_it(bool wire)
    {
        var midLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(watch: async (c, _) =>
        {
            await WriteAsync(c, Event("ADDED", Pod("a", 2)) + """{"type":"ADDED","object":{"kind":"Pod","meta""");
            midLine.TrySetResult();
            await HoldAsync(c);
        });
        using var client = Client(server, wire);
        using var cancel = new CancellationTokenSource();
        var seen = new List<string>();

        var watching = Task.Run(async () =>
        {
            await foreach (var item in client.Pods.WatchAsync("wf", "app=x", "1", 60, _ => { }, cancel.Token))
            {
                seen.Add(item.Item!.Name);
            }
        });
        await midLine.Task.WaitAsync(HangGuard);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching.WaitAsync(HangGuard));
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task An_object_of_a_megabyte_is_read_in_a_list_and_a_watch(bool wire)
    {
        var big = $",\"annotations\":{{\"huge\":\"{new string('x', 1 << 20)}\"}}";
        await using var server = await StartAsync(
            list: (c, _) => JsonAsync(c, 200, List($"{Pod("a", 2, big)},{Pod("b", 3)}")),
            watch: async (c, _) => await WriteAsync(c, Event("ADDED", Pod("c", 4, big)) + Event("ADDED", Pod("d", 5)) + Event("ADDED", Pod("e", 6, big))));
        using var client = Client(server, wire);

        var page = await client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);
        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a", "b"], page.Items.Select(p => p.Name));
        Assert.Equal(["c", "d", "e"], items.Select(i => i.Item!.Name));
        Assert.Empty(errors);
    }

    public static TheoryData<bool, string, string> Timestamps => new()
    {
        { true, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.0000000+00:00" },
        { false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.0000000+00:00" },
        { true, "2025-01-01T00:00:00.123456Z", "2025-01-01T00:00:00.1234560+00:00" },
        { false, "2025-01-01T00:00:00.123456Z", "2025-01-01T00:00:00.1234560+00:00" },
        { true, "2025-01-01T00:00:00.123456789Z", "2025-01-01T00:00:00.1234567+00:00" },
        { false, "2025-01-01T00:00:00.123456789Z", "2025-01-01T00:00:00.1234560+00:00" }, // The client's model keeps microseconds.
        { true, "2025-01-01T02:00:00+02:00", "2025-01-01T00:00:00.0000000+00:00" },
        { false, "2025-01-01T02:00:00+02:00", "2025-01-01T00:00:00.0000000+00:00" },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public async Task Timestamps_in_each_form_the_API_server_writes_are_read_as_UTC(bool wire, string written, string expected)
    {
        var pod = Pod("a", 2).Replace("2025-01-01T00:00:00Z", written, StringComparison.Ordinal);
        await using var server = await StartAsync(list: (c, _) => JsonAsync(c, 200, List(pod)));
        using var client = Client(server, wire);

        var page = await client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(page.Items).CreatedAt);
        Assert.Equal(TimeSpan.Zero, page.Items[0].CreatedAt!.Value.Offset);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task A_watch_body_that_starts_with_a_byte_order_mark_is_read(bool wire)
    {
        await using var server = await StartAsync(watch: async (c, _) =>
        {
            c.Response.ContentType = "application/json";
            await c.Response.Body.WriteAsync(new byte[] { 0xEF, 0xBB, 0xBF });
            await WriteAsync(c, Event("ADDED", Pod("a", 2)) + Event("ADDED", Pod("b", 3)));
        });
        using var client = Client(server, wire);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Equal(["a", "b"], items.Select(i => i.Item!.Name));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_TLS_server_name_is_sent_as_the_Host_header_as_the_client_does()
    {
        // Read from the client's private settings by reflection: a client version that renamed them would lose it silently.
        await using var server = await StartAsync();
        var configuration = server.Configuration;
        configuration.TlsServerName = "kubernetes.default.svc";
        using var client = new k8s.Kubernetes(configuration);

        await ResourceApis.Pods(client, null).ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);

        Assert.Equal("kubernetes.default.svc", Assert.Single(server.Requests).Host);
    }

    [Fact]
    public async Task An_ERROR_event_ends_the_wire_watch_even_when_the_server_holds_the_stream_open()
    {
        // The client's own watch reads on after an ERROR; a stream held open after a 410 would then be restarted by the
        // staleness timeout, from the same version, into the same 410, and never relist.
        await using var server = await StartAsync(watch: async (c, _) =>
        {
            await WriteAsync(c, Event("ERROR", """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Expired","code":410}"""));
            await HoldAsync(c);
        });
        using var client = Client(server, wire: true);

        var (items, errors) = await WatchAsync(client.Pods);

        Assert.Empty(items);
        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Theory]
    [MemberData(nameof(BothPaths))]
    public async Task Restart_counts_past_the_range_of_an_int_do_not_make_a_pod_unreadable(bool wire)
    {
        // A pod the projection cannot read fails its whole list, and every list after it: the view would never be current.
        const string Statuses = "\"containerStatuses\":[{\"name\":\"a\",\"restartCount\":2147483647},{\"name\":\"b\",\"restartCount\":2147483647}]";
        var pod = Pod("a", 2).Replace("\"phase\":\"Running\"", "\"phase\":\"Running\"," + Statuses, StringComparison.Ordinal);
        await using var server = await StartAsync(
            list: (c, _) => JsonAsync(c, 200, List(pod)),
            watch: async (c, _) => await WriteAsync(c, Event("ADDED", pod) + Event("ADDED", Pod("b", 3))));
        using var client = Client(server, wire);

        var page = await client.Pods.ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);

        Assert.Equal(int.MaxValue, Assert.Single(page.Items).Restarts);
    }

    [Fact]
    public async Task A_client_that_overrides_how_requests_are_sent_is_not_bypassed()
    {
        // An application's subclass of the client (auditing, extra headers, its own retries) sees every request, as it
        // does through the generated calls; a raw request through the HttpClient would go round it.
        await using var server = await StartAsync(
            watch: async (c, _) => await WriteAsync(c, Event("ADDED", Pod("a", 2))));
        using var client = new AuditingKubernetes(server.Configuration);

        await ResourceApis.Pods(client, null).ListPageAsync("wf", "app=x", 10, null, CancellationToken.None);
        await WatchAsync(ResourceApis.Pods(client, null));

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("seen", r.Audit));
    }

    [Fact]
    public async Task A_subclass_that_leaves_requests_alone_is_still_read_off_the_wire()
    {
        await using var server = await StartAsync();
        using var client = new NamedKubernetes(server.Configuration);

        Assert.IsType<StreamingResourceApi<WirePod, PodFacts>>(ResourceApis.Pods(client, null));
        Assert.IsType<StreamingResourceApi<WireJob, JobFacts>>(ResourceApis.Jobs(client, null));
    }

    private sealed class NamedKubernetes(KubernetesClientConfiguration configuration) : k8s.Kubernetes(configuration);

    private sealed class AuditingKubernetes(KubernetesClientConfiguration configuration) : k8s.Kubernetes(configuration)
    {
        protected override Task<HttpResponseMessage> SendRequestRaw(string requestContent, HttpRequestMessage httpRequest, CancellationToken cancellationToken)
        {
            httpRequest.Headers.Add("X-Audit", "seen");
            return base.SendRequestRaw(requestContent, httpRequest, cancellationToken);
        }
    }

    internal static async Task<(List<WatchItem<PodFacts>> Items, List<Exception> Errors)> WatchAsync(IResourceApi<PodFacts> api)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        var items = new List<WatchItem<PodFacts>>();
        var errors = new List<Exception>();
        await foreach (var item in api.WatchAsync("wf", "app=x", "1", 60, errors.Add, guard.Token))
        {
            items.Add(item);
        }

        return (items, errors);
    }

    /// <summary>The probe's two kinds read through KubernetesClient's own client (the wire) or through a wrapper of it (the generated calls).</summary>
    internal static Clients Client(ScriptedApiServer server, bool wire, string? taskTypeLabel = null)
    {
        var own = new k8s.Kubernetes(server.Configuration);
        IKubernetes client = own;
        if (!wire)
        {
            var wrapper = Substitute.For<IKubernetes>();
            wrapper.CoreV1.Returns(own.CoreV1);
            wrapper.BatchV1.Returns(own.BatchV1);
            client = wrapper;
        }

        return new Clients(own, ResourceApis.Pods(client, taskTypeLabel), ResourceApis.Jobs(client, taskTypeLabel));
    }

    internal sealed record Clients(k8s.Kubernetes Own, IResourceApi<PodFacts> Pods, IResourceApi<JobFacts> Jobs) : IDisposable
    {
        public void Dispose() => Own.Dispose();
    }
}
