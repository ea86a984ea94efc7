namespace ExecutionSentinel.Probing;

/// <summary>
/// The cluster refused a request for lack of permission (401 Unauthorized or 403 Forbidden): a lasting problem of
/// credentials or RBAC, not a blip of connectivity.
/// </summary>
/// <param name="Verb">The refused verb, as RBAC names it (<c>list</c>, <c>watch</c>, <c>get</c>, <c>create</c>…).</param>
/// <param name="Resource">The refused resource, as RBAC names it (<c>pods</c>, <c>jobs</c>, <c>pods/exec</c>…).</param>
/// <param name="Namespace">The namespace the request was for.</param>
/// <param name="StatusCode">401 or 403.</param>
/// <param name="Message">What the cluster said.</param>
public sealed record AccessDenial(string Verb, string Resource, string Namespace, int StatusCode, string Message)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{(StatusCode == 401 ? "unauthorized" : "forbidden")}: cannot {Verb} {Resource} in namespace '{Namespace}' ({Message})";
}
