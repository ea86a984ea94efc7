using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Detectors;

/// <summary>Checks the pending options, naming each bad one by its full key.</summary>
internal sealed class PendingTooLongDetectorOptionsValidator : IValidateOptions<PendingTooLongDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, PendingTooLongDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(SentinelBuilder.SectionOf(PendingTooLongDetectorRegistration.Name));
        failures.RequirePositive(options.Timeout, nameof(options.Timeout), DetectorLimits.MaxDuration);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
