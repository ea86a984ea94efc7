using DotNetEnv;
using DotNetEnv.Extensions;

namespace ExecutionSentinel.Cli.Input;

/// <summary>
/// A <c>.env</c> file, read by DotNetEnv without touching the process's variables: <c>KEY=value</c> lines, <c>#</c>
/// comments, optional <c>export</c>, single quotes (raw) or double quotes (escapes, several lines), and <c>$NAME</c> /
/// <c>${NAME}</c> replaced by the process's variable outside single quotes. A key given twice takes its last value.
/// </summary>
internal static class DotEnv
{
    /// <summary>The file's variables.</summary>
    /// <param name="contents">The file's text.</param>
    /// <param name="path">The file's name, for messages.</param>
    /// <exception cref="InputException">A line is not an assignment: its number is said, never its text (it may hold a secret).</exception>
    public static Dictionary<string, string> Parse(string contents, string path)
    {
        try
        {
            return Env.LoadContents(contents, LoadOptions.NoEnvVars()).ToDotEnvDictionary(CreateDictionaryOption.TakeLast);
        }
        catch (Sprache.ParseException ex)
        {
            // The parser stops at the start of the first line that is not an assignment, a comment or blank. Its own
            // message quotes the text it read last: not shown.
            throw new InputException(ex.Position is { } at
                ? $"{path}, line {at.Line}: expected KEY=value."
                : $"{path}: a line is not KEY=value.");
        }
        catch (OverflowException)
        {
            throw new InputException($"{path}: a double-quoted value has an octal escape above \\377.");
        }
    }
}
