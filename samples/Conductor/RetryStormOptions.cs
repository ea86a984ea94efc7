using System.ComponentModel.DataAnnotations;
using ExecutionSentinel.Detectors;

namespace Conductor;

/// <summary>When retries of one task type become a storm. Bound from <c>ExecutionSentinel:Detectors:RetryStorm</c>.</summary>
public sealed class RetryStormOptions : DetectorOptions
{
    /// <summary>Retries (attempts after the first) of one task type that make a storm. Default 5.</summary>
    [Range(1, 10_000)]
    public int MaxRetries { get; set; } = 5;
}
