namespace ExecutionSentinel.Cli.Input;

/// <summary>Bad input from the user (a file, a variable, a flag): one clear message, exit code 64, no stack trace.</summary>
internal sealed class InputException(string message) : Exception(message)
{
    /// <summary>One problem on one line; several under a heading, one per line.</summary>
    public static InputException For(IReadOnlyList<string> problems, string heading) =>
        new(problems.Count == 1 ? problems[0] : heading + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)));
}
