using ExecutionSentinel.Detectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>Checks the stall options, naming each bad one by its full key.</summary>
internal sealed class StallDetectorOptionsValidator : IValidateOptions<StallDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, StallDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelBuilder.SectionOf(StallDetectorRegistration.Name));
        failures.RequirePositive(options.Timeout, nameof(options.Timeout), DetectorLimits.MaxDuration);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
