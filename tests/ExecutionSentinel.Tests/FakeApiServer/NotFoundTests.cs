using k8s;
using k8s.Autorest;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>A missing object is a 404 Status whose message and <c>details</c> (name, group, kind) are a real server's.</summary>
public sealed class NotFoundTests : FakeServerTest
{
    [Fact]
    public async Task A_missing_pod_or_Job_is_a_404_with_details_for_every_client()
    {
        Pod("present"); // The namespace exists (kubectl checks it after a 404; an empty one is not there).
        var python = await PythonAsync();

        var pod = await python.CallAsync(new { op = "get", resource = "pods", @namespace = Ns, name = "ghost" });
        var job = await python.CallAsync(new { op = "get", resource = "jobs", @namespace = Ns, name = "ghost" });
        var deleted = await python.CallAsync(new { op = "delete", resource = "pods", @namespace = Ns, name = "ghost" });
        var (podExit, _, podError) = await Kubectl.RunAsync("get", "pod", "ghost", "-n", Ns);
        var (jobExit, _, jobError) = await Kubectl.RunAsync("get", "job", "ghost", "-n", Ns);
        var thrown = await Assert.ThrowsAsync<HttpOperationException>(() => Client().BatchV1.ReadNamespacedJobAsync("ghost", Ns));

        Assert.Equal(404, pod.GetProperty("status").GetInt32());
        var body = pod.GetProperty("body");
        Assert.Equal("Status", body.GetProperty("kind").GetString());
        Assert.Equal("Failure", body.GetProperty("status").GetString());
        Assert.Equal("NotFound", body.GetProperty("reason").GetString());
        Assert.Equal("pods \"ghost\" not found", body.GetProperty("message").GetString());
        Assert.Equal("ghost", body.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal("pods", body.GetProperty("details").GetProperty("kind").GetString());
        Assert.False(body.GetProperty("details").TryGetProperty("group", out _));
        Assert.Equal(404, body.GetProperty("code").GetInt32());

        var jobBody = job.GetProperty("body");
        Assert.Equal("jobs.batch \"ghost\" not found", jobBody.GetProperty("message").GetString());
        Assert.Equal("batch", jobBody.GetProperty("details").GetProperty("group").GetString());
        Assert.Equal("jobs", jobBody.GetProperty("details").GetProperty("kind").GetString());
        Assert.Equal(404, deleted.GetProperty("status").GetInt32());

        Assert.Equal(1, podExit);
        Assert.Contains("Error from server (NotFound): pods \"ghost\" not found", podError, StringComparison.Ordinal);
        Assert.Equal(1, jobExit);
        Assert.Contains("Error from server (NotFound): jobs.batch \"ghost\" not found", jobError, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, thrown.Response.StatusCode);
        Assert.Contains("\"details\":{\"name\":\"ghost\",\"group\":\"batch\",\"kind\":\"jobs\"}", thrown.Response.Content, StringComparison.Ordinal);
    }
}
