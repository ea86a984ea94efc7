namespace ExecutionSentinel.Kubernetes.Mapping;

/// <summary>Kubernetes timestamps are UTC; the client hands them over as <see cref="DateTime"/>.</summary>
internal static class KubernetesTime
{
    public static DateTimeOffset? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
