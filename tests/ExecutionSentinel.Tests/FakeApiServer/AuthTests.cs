using ExecutionSentinel.FakeKube;
using k8s;
using k8s.Autorest;

namespace ExecutionSentinel.Tests.FakeApiServer;

/// <summary>
/// Bearer tokens and per-token grants (verb × resource × namespace) as a real server's authentication and RBAC answer:
/// no or an unknown token is 401; a missing grant is 403 naming the user, verb, resource, API group and namespace;
/// exec needs <c>create</c> on <c>pods/exec</c>.
/// </summary>
public sealed class AuthTests : FakeServerTest
{
    private const string Observer = "system:serviceaccount:wf:observer";
    private string _observer = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Pod("a");
        Job("j");
        _observer = Server.Auth.AddServiceAccount(Ns, "observer", Grant.Allow("get,list,watch", "pods,jobs", Ns));
    }

    [Fact]
    public async Task No_token_or_an_unknown_one_is_401_Unauthorized()
    {
        var anonymous = await PythonAsync(token: null);
        var unknown = await PythonAsync(token: "made-up");

        var none = await anonymous.CallAsync(new { op = "list", resource = "pods", @namespace = Ns });
        var made = await unknown.CallAsync(new { op = "get", resource = "pods", @namespace = Ns, name = "a" });
        var (exit, _, stderr) = await KubectlAs("made-up").RunAsync("get", "pods", "-n", Ns);
        var thrown = await Assert.ThrowsAsync<HttpOperationException>(() => Client("made-up").CoreV1.ListNamespacedPodAsync(Ns));

        Assert.Equal(401, none.GetProperty("status").GetInt32());
        Assert.Equal("Unauthorized", none.GetProperty("body").GetProperty("reason").GetString());
        Assert.Equal(401, none.GetProperty("body").GetProperty("code").GetInt32());
        Assert.Equal(401, made.GetProperty("status").GetInt32());
        Assert.Equal(1, exit);
        Assert.Contains("You must be logged in to the server", stderr, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, thrown.Response.StatusCode);
    }

    [Fact]
    public async Task A_restricted_token_may_do_what_it_is_granted_and_nothing_else()
    {
        var kubectl = KubectlAs(_observer);
        var python = await PythonAsync(_observer);

        var (podsExit, pods, podsError) = await kubectl.RunAsync("get", "pods", "-n", Ns, "-o", "name");
        var (jobsExit, _, _) = await kubectl.RunAsync("get", "jobs", "-n", Ns);
        var (otherExit, _, otherError) = await kubectl.RunAsync("get", "pods", "-n", "other");
        var (leasesExit, _, leasesError) = await kubectl.RunAsync("get", "leases", "-n", Ns);
        var (deleteExit, _, deleteError) = await kubectl.RunAsync("delete", "pod", "a", "-n", Ns, "--wait=false");
        var (createExit, _, createError) = await kubectl.RunAsync("create", "configmap", "c", "-n", Ns, "--from-literal=k=v");
        var (labelExit, _, labelError) = await kubectl.RunAsync("label", "pod", "a", "-n", Ns, "x=y");
        var watched = await python.CallAsync(new { op = "watch", resource = "configmaps", @namespace = Ns, timeout_seconds = 5 });
        await python.ReadWatchAsync();
        var deleted = await python.CallAsync(new { op = "delete", resource = "jobs", @namespace = Ns, name = "j" });

        Assert.True(podsExit == 0, podsError);
        Assert.Equal("pod/a", pods.Trim());
        Assert.Equal(0, jobsExit);
        Assert.Equal(1, otherExit);
        Assert.Contains($"Error from server (Forbidden): pods is forbidden: User \"{Observer}\" cannot list resource \"pods\" in API group \"\" in the namespace \"other\"", otherError, StringComparison.Ordinal);
        Assert.Equal(1, leasesExit);
        Assert.Contains($"leases.coordination.k8s.io is forbidden: User \"{Observer}\" cannot list resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"wf\"", leasesError, StringComparison.Ordinal);
        Assert.Equal(1, deleteExit);
        Assert.Contains($"pods \"a\" is forbidden: User \"{Observer}\" cannot delete resource \"pods\" in API group \"\" in the namespace \"wf\"", deleteError, StringComparison.Ordinal);
        Assert.Equal(1, createExit);
        Assert.Contains($"configmaps is forbidden: User \"{Observer}\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"wf\"", createError, StringComparison.Ordinal);
        Assert.Equal(1, labelExit);
        Assert.Contains($"cannot patch resource \"pods\" in API group \"\" in the namespace \"wf\"", labelError, StringComparison.Ordinal);
        Assert.Equal(403, watched.GetProperty("error").GetInt32());
        Assert.Equal(403, deleted.GetProperty("status").GetInt32());
        var details = deleted.GetProperty("body").GetProperty("details");
        Assert.Equal("j", details.GetProperty("name").GetString());
        Assert.Equal("batch", details.GetProperty("group").GetString());
        Assert.Equal("jobs", details.GetProperty("kind").GetString());
        Assert.Equal("Forbidden", deleted.GetProperty("body").GetProperty("reason").GetString());
        Assert.NotNull(Server.Store.Get("pods", Ns, "a"));
    }

    [Fact]
    public async Task Exec_needs_create_on_pods_exec()
    {
        Server.WriteFile(Ns, "a", "main", "/signal", "0\n");
        var operatorToken = Server.Auth.AddServiceAccount(Ns, "operator", Grant.Allow("get,list,watch", "pods", Ns), Grant.Allow("create", "pods/exec", Ns));
        var command = new[] { "exec", "a", "-n", Ns, "-c", "main", "--", "cat", "/signal" };

        var (refusedExit, _, refusedError) = await KubectlAs(_observer).RunAsync(command);
        var (allowedExit, allowedOut, allowedError) = await KubectlAs(operatorToken).RunAsync(command);
        var python = await (await PythonAsync(_observer)).CallAsync(new { op = "exec", @namespace = Ns, name = "a", container = "main", command = new[] { "cat", "/signal" } });
        var pythonAllowed = await (await PythonAsync(operatorToken)).CallAsync(new { op = "exec", @namespace = Ns, name = "a", container = "main", command = new[] { "cat", "/signal" } });
        var byCSharp = await Record.ExceptionAsync(() => Client(_observer).NamespacedPodExecAsync(
            "a", Ns, "main", ["cat", "/signal"], false, (_, _, _) => Task.CompletedTask, CancellationToken.None));

        Assert.NotEqual(0, refusedExit);
        Assert.Contains($"Error from server (Forbidden): pods \"a\" is forbidden: User \"{Observer}\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"wf\"", refusedError, StringComparison.Ordinal);
        Assert.True(allowedExit == 0, allowedError);
        Assert.Equal("0", allowedOut.Trim());
        Assert.False(python.GetProperty("ok").GetBoolean());
        Assert.Contains("403", python.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("0\n", pythonAllowed.GetProperty("stdout").GetString());
        Assert.NotNull(byCSharp);
        Assert.Contains(Server.Requests, r => r.Contains("/pods/a/exec", StringComparison.Ordinal));
    }
}
