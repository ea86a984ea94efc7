using ExecutionSentinel.Detectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>Checks the hang options, naming each bad one by its full key.</summary>
internal sealed class HangDetectorOptionsValidator : IValidateOptions<HangDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, HangDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelBuilder.SectionOf(HangDetectorRegistration.Name));
        failures.RequirePositive(options.Threshold, nameof(options.Threshold), DetectorLimits.MaxDuration);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
