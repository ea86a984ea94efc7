namespace ExecutionSentinel;

/// <summary>
/// Describes one running workflow execution: where it runs and which tasks it is expected to run.
/// </summary>
public sealed record MonitoringContext
{
    /// <summary>The default name of the engine's container in the engine pod.</summary>
    public const string DefaultEngineContainer = "hyperflow";

    /// <summary>The Kubernetes namespace the workflow runs in.</summary>
    public required string Namespace { get; init; }

    /// <summary>The name of the pod that runs the workflow engine.</summary>
    public required string EnginePodName { get; init; }

    /// <summary>The engine's container in <see cref="EnginePodName"/>; defaults to <c>hyperflow</c>.</summary>
    public string EngineContainer { get; init; } = DefaultEngineContainer;

    /// <summary>
    /// The workflow's name, the same for every run of the same workflow (such as <c>montage-2.0</c>), or
    /// <see langword="null"/>. Only when it is set does a watch use what earlier runs of it took (see
    /// <c>UseFileDurationBaselines</c>) and, when it ends, add its own run to that history. At most 253 characters, no
    /// control characters, no leading or trailing white space.
    /// </summary>
    public string? WorkflowName { get; init; }

    /// <summary>Every task the workflow is expected to run.</summary>
    public IReadOnlyList<TaskSpec> TaskInventory { get; init; } = [];

    /// <summary>The DAG at the level of task types: each type mapped to the types that must finish before it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DagStructure { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Lists every problem that makes this context unusable; empty when it is valid.
    /// </summary>
    /// <returns>One sentence per problem, each naming where it is.</returns>
    public IReadOnlyList<string> Validate() => MonitoringContextValidator.Validate(this);

    /// <summary>
    /// Throws <see cref="InvalidMonitoringContextException"/> listing every problem when the context is invalid.
    /// </summary>
    /// <exception cref="InvalidMonitoringContextException">The context has one or more problems.</exception>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new InvalidMonitoringContextException(problems);
        }
    }
}
