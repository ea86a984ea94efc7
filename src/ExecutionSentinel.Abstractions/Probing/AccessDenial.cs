namespace ExecutionSentinel.Probing;

/// <summary>
/// The cluster refused a request for lack of permission (401 Unauthorized or 403 Forbidden): a lasting problem of
/// credentials or RBAC, not a blip of connectivity.
/// </summary>
/// <remarks>Public because detectors read it from observations and reports, and custom probes report it.</remarks>
public sealed class AccessDenial
{
    /// <summary>Makes one.</summary>
    /// <param name="verb">The refused verb, as RBAC names it (<c>list</c>, <c>watch</c>, <c>get</c>, <c>create</c>…).</param>
    /// <param name="resource">The refused resource, as RBAC names it (<c>pods</c>, <c>jobs</c>, <c>pods/exec</c>…).</param>
    /// <param name="namespace">The namespace the request was for.</param>
    /// <param name="statusCode">401 or 403.</param>
    /// <param name="message">What the cluster said.</param>
    public AccessDenial(string verb, string resource, string @namespace, int statusCode, string message)
    {
        Verb = verb;
        Resource = resource;
        Namespace = @namespace;
        StatusCode = statusCode;
        Message = message;
    }

    /// <summary>The refused verb, as RBAC names it (<c>list</c>, <c>watch</c>, <c>get</c>, <c>create</c>…).</summary>
    public string Verb { get; }

    /// <summary>The refused resource, as RBAC names it (<c>pods</c>, <c>jobs</c>, <c>pods/exec</c>…).</summary>
    public string Resource { get; }

    /// <summary>The namespace the request was for.</summary>
    public string Namespace { get; }

    /// <summary>401 or 403.</summary>
    public int StatusCode { get; }

    /// <summary>What the cluster said.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{(StatusCode == 401 ? "unauthorized" : "forbidden")}: cannot {Verb} {Resource} in namespace '{Namespace}' ({Message})";
}
