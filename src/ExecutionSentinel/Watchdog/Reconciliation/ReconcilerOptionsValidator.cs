using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>Checks the reconciler's options at start, naming each bad one by its configuration key.</summary>
internal sealed class ReconcilerOptionsValidator : IValidateOptions<ReconcilerOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures("ExecutionSentinel:Reconciler");
        failures.RequireBetween(options.DispatchGrace, nameof(options.DispatchGrace), TimeSpan.Zero, TimeSpan.FromDays(1));
        failures.RequirePositive(options.DefaultTimeout, nameof(options.DefaultTimeout), TimeSpan.FromDays(30));
        failures.RequireBetween(options.FinishedJobTtl, nameof(options.FinishedJobTtl), TimeSpan.Zero, TimeSpan.FromDays(30));
        failures.RequireBetween(options.TombstoneGrace, nameof(options.TombstoneGrace), TimeSpan.Zero, TimeSpan.FromDays(1));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
