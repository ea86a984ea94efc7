namespace ExecutionSentinel.Probing;

/// <summary>
/// Thrown by a probe whose observation the cluster refused for lack of permission. The sentinel reports it as
/// <see cref="ReportKind.AccessDenied"/> (once per refusal), not as lost connectivity.
/// </summary>
/// <remarks>Public because custom probes throw it to report a refusal rather than an outage.</remarks>
public sealed class ClusterAccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="denial">What was refused.</param>
    public ClusterAccessDeniedException(AccessDenial denial)
        : this(denial, null!)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="denial">What was refused.</param>
    /// <param name="innerException">The client's exception.</param>
    public ClusterAccessDeniedException(AccessDenial denial, Exception innerException)
        : base(denial?.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(denial);
        Denial = denial;
    }

    /// <summary>Creates the exception.</summary>
    public ClusterAccessDeniedException()
        : this(new AccessDenial("get", "", "", 403, "access denied"))
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ClusterAccessDeniedException(string message)
        : this(new AccessDenial("get", "", "", 403, message))
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The client's exception.</param>
    public ClusterAccessDeniedException(string message, Exception innerException)
        : this(new AccessDenial("get", "", "", 403, message), innerException)
    {
    }

    /// <summary>What was refused.</summary>
    public AccessDenial Denial { get; }
}
