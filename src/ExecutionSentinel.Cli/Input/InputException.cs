namespace ExecutionSentinel.Cli.Input;

/// <summary>Bad input from the user (a file, a variable, a flag): one clear message, exit code 64, no stack trace.</summary>
internal sealed class InputException(string message) : Exception(message);
