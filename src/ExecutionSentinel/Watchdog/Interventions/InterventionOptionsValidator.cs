using ExecutionSentinel.Kubernetes;
using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Watchdog;

/// <summary>
/// Checks the watchdog's options at start, naming each bad one by its configuration key. When the watchdog may act
/// (<see cref="InterventionMode.DryRun"/> rehearses <see cref="InterventionMode.Enabled"/>, so both), the probe's task and
/// Job selectors must be specific: an empty selector, or one that only excludes, matches the Jobs of every application
/// in the namespace. An enabled watchdog also needs a durable record of its hourly limit.
/// </summary>
internal sealed class InterventionOptionsValidator(IOptionsMonitor<KubernetesProbeOptions> probe, IInterventionRecord record) : IValidateOptions<InterventionOptions>
{
    /// <summary>The most interventions an hour the record holds.</summary>
    internal const int MaxMaxPerHour = 1000;

    public ValidateOptionsResult Validate(string? name, InterventionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionFailures(InterventionOptions.SectionName);
        if (!Enum.IsDefined(options.Mode))
        {
            failures.Add(nameof(options.Mode), "must be Off, DryRun or Enabled", options.Mode);
        }

        if (options.MaxPerHour is < 0 or > MaxMaxPerHour)
        {
            failures.Add(nameof(options.MaxPerHour), $"must be from 0 to {MaxMaxPerHour}", options.MaxPerHour);
        }

        foreach (var (kind, action) in options.Actions)
        {
            if (action is not (InterventionAction.None or InterventionAction.TerminateTask or InterventionAction.TerminateWorkflow))
            {
                failures.Add($"{nameof(options.Actions)}:{kind}", "must be None, TerminateTask or TerminateWorkflow", action);
            }

            if (!KnownReportKinds.Names.Contains(kind) && !options.CustomKinds.Contains(kind))
            {
                var guess = KnownReportKinds.Closest(kind) is { } closest ? $" (did you mean '{closest}'?)" : "";
                failures.Add($"{nameof(options.Actions)}:{kind}", $"names no report kind the sentinel emits{guess}; list a custom detector's kind in {nameof(options.CustomKinds)}", action);
            }
        }

        if (options.Mode == InterventionMode.Enabled && record is MemoryInterventionRecord)
        {
            failures.Add(nameof(options.Mode), "needs a record of the hourly limit that outlives a restart: call UseLeaderElection(...) "
                + "(kept on the Lease) or UseCheckpoints(...) (kept in the checkpoint store); in memory, every restart would reset the limit", options.Mode);
        }

        if (options.Mode != InterventionMode.Off)
        {
            var kubernetes = new OptionFailures(KubernetesProbeOptions.SectionName);
            var current = probe.CurrentValue;
            if (SelectorProblem(current.TaskLabelSelector) is { } task)
            {
                kubernetes.Add(nameof(current.TaskLabelSelector), task + " while interventions are " + options.Mode, Quoted(current.TaskLabelSelector));
            }

            if (current.JobLabelSelector is not null && SelectorProblem(current.JobLabelSelector) is { } job)
            {
                kubernetes.Add(nameof(current.JobLabelSelector), job + " while interventions are " + options.Mode, Quoted(current.JobLabelSelector));
            }

            failures.AddRange(kubernetes);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Why a selector cannot pick a workflow's Jobs, or <see langword="null"/> when it can: it must hold at least one
    /// requirement that a label have a value (<c>k=v</c>, <c>k==v</c>, <c>k in (…)</c>); exclusions (<c>k!=v</c>,
    /// <c>!k</c>, <c>k notin (…)</c>) and bare existence (<c>k</c>) match the objects of any application.
    /// </summary>
    public static string? SelectorProblem(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return "must not be empty (an empty selector matches every Job in the namespace)";
        }

        if (LabelSelectorSyntax.FindProblem(selector) is { } syntax)
        {
            return syntax;
        }

        foreach (var raw in LabelSelectorSyntax.Requirements(selector))
        {
            var requirement = raw.Trim();
            var positive = (requirement.Contains(" in ", StringComparison.Ordinal) && !requirement.Contains(" notin ", StringComparison.Ordinal))
                || (requirement.Contains('=', StringComparison.Ordinal) && !requirement.Contains("!=", StringComparison.Ordinal));
            if (positive && !requirement.StartsWith('!'))
            {
                return null;
            }
        }

        return "must require a label value (k=v or k in (…)); exclusions and bare keys alone match the Jobs of any application";
    }

    private static string Quoted(string? selector) => selector is null ? "null" : "'" + selector + "'";
}
