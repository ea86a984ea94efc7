namespace ExecutionSentinel.Kubernetes;

/// <summary>The cluster cannot be observed: the probe's last attempt to list the workflow's objects failed.</summary>
internal sealed class ClusterUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClusterUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be observed, and why.</param>
    public ClusterUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What cannot be observed, and why.</param>
    /// <param name="innerException">The failure of the last attempt.</param>
    public ClusterUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
