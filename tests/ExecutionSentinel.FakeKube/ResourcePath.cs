namespace ExecutionSentinel.FakeKube;

/// <summary>A parsed resource URL: <c>/api/v1/namespaces/NS/pods[/NAME[/exec]]</c>, <c>/apis/batch/v1/namespaces/NS/jobs[/NAME]</c>, or all namespaces.</summary>
internal sealed record ResourcePath(string Resource, string? Namespace, string? Name, string? Subresource)
{
    public static bool TryParse(string path, out ResourcePath target)
    {
        target = null!;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string[] rest;
        if (parts is ["api", "v1", .. var core])
        {
            rest = core;
        }
        else if (parts is ["apis", "batch", "v1", .. var batch])
        {
            rest = batch;
        }
        else
        {
            return false;
        }

        string? ns = null;
        if (rest is ["namespaces", var n, .. var inNamespace])
        {
            ns = n;
            rest = inNamespace;
        }

        var expected = parts[0] == "api" ? "pods" : "jobs";
        switch (rest)
        {
            case [var resource] when resource == expected:
                target = new ResourcePath(resource, ns, null, null);
                return true;
            case [var resource, var name] when resource == expected && ns is not null:
                target = new ResourcePath(resource, ns, name, null);
                return true;
            case ["pods", var name, "exec"] when ns is not null:
                target = new ResourcePath("pods", ns, name, "exec");
                return true;
            default:
                return false;
        }
    }
}
