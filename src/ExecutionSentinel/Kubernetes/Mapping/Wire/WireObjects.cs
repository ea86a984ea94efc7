namespace ExecutionSentinel.Kubernetes.Mapping.Wire;

// The API server's JSON for pods and Jobs, cut down to the fields the projections read. Everything else in an object
// (managedFields, the pod spec's volumes, env, resources, annotations…) is skipped by the reader without being
// materialised: a HyperFlow pod is about 4.4 KB of JSON, of which these classes keep a few hundred bytes, and only
// until the object is projected onto PodFacts or JobFacts.
#pragma warning disable CA1812 // Instantiated by the source-generated serializer.
#pragma warning disable CA2227 // Collection properties are set by the serializer.
#pragma warning disable CA1002 // List<T>: what the serializer builds, never handed out.

/// <summary>The part of <c>metadata</c> the probe reads.</summary>
internal sealed class WireObjectMeta
{
    public string? Name { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public DateTime? CreationTimestamp { get; set; }

    public DateTime? DeletionTimestamp { get; set; }
}

/// <summary>A list's <c>metadata</c>: where the next page starts and the list's resource version.</summary>
internal sealed class WireListMeta
{
    public string? ResourceVersion { get; set; }

    public string? Continue { get; set; }
}

/// <summary>One page of a list.</summary>
internal sealed class WireList<T>
{
    public string? Kind { get; set; }

    public WireListMeta? Metadata { get; set; }

    public List<T>? Items { get; set; }
}

/// <summary>One line of a watch: its type and object (a Status when the type is <c>ERROR</c>).</summary>
internal sealed class WireWatchEvent<T>
{
    public string? Type { get; set; }

    public T? Object { get; set; }
}

/// <summary>A Status, as a watch's ERROR event carries it (410 Gone, 500…).</summary>
internal sealed class WireStatus
{
    public string? Kind { get; set; }

    public int? Code { get; set; }

    public string? Message { get; set; }

    public string? Reason { get; set; }

    public string? Status { get; set; }
}

/// <summary>A container's command line: HyperFlow writes the task id into it.</summary>
internal sealed class WireContainer
{
    public List<string>? Command { get; set; }

    public List<string>? Args { get; set; }
}

internal sealed class WireCondition
{
    public string? Type { get; set; }

    public string? Status { get; set; }

    public string? Reason { get; set; }
}

internal sealed class WirePod
{
    public string? Kind { get; set; }

    public WireObjectMeta? Metadata { get; set; }

    public WirePodSpec? Spec { get; set; }

    public WirePodStatus? Status { get; set; }
}

internal sealed class WirePodSpec
{
    public string? NodeName { get; set; }

    public List<WireContainer>? Containers { get; set; }
}

internal sealed class WirePodStatus
{
    public string? Phase { get; set; }

    public string? Reason { get; set; }

    public DateTime? StartTime { get; set; }

    public List<WireCondition>? Conditions { get; set; }

    public List<WireContainerStatus>? ContainerStatuses { get; set; }

    public List<WireContainerStatus>? InitContainerStatuses { get; set; }
}

internal sealed class WireContainerStatus
{
    public int RestartCount { get; set; }

    public WireContainerState? State { get; set; }

    public WireContainerState? LastState { get; set; }
}

internal sealed class WireContainerState
{
    public WireRunning? Running { get; set; }

    public WireTerminated? Terminated { get; set; }

    public WireWaiting? Waiting { get; set; }
}

internal sealed class WireRunning
{
    public DateTime? StartedAt { get; set; }
}

internal sealed class WireTerminated
{
    public int ExitCode { get; set; }

    public string? Reason { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}

internal sealed class WireWaiting
{
    public string? Reason { get; set; }
}

internal sealed class WireJob
{
    public string? Kind { get; set; }

    public WireObjectMeta? Metadata { get; set; }

    public WireJobSpec? Spec { get; set; }

    public WireJobStatus? Status { get; set; }
}

internal sealed class WireJobSpec
{
    public int? TtlSecondsAfterFinished { get; set; }

    public WirePodTemplate? Template { get; set; }
}

internal sealed class WirePodTemplate
{
    public WirePodSpec? Spec { get; set; }
}

internal sealed class WireJobStatus
{
    public DateTime? CompletionTime { get; set; }

    public int? Failed { get; set; }

    public int? Succeeded { get; set; }

    public int? Active { get; set; }

    public List<WireCondition>? Conditions { get; set; }
}
