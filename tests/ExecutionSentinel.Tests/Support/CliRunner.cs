using System.Diagnostics;
using System.Text;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Runs the built <c>execution-sentinel</c> tool as a user would, in its own process.</summary>
internal static class CliRunner
{
    private static readonly Lazy<string> ToolPath = new(Locate);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> args,
        string? stdin = null,
        IDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        Func<string, bool>? interruptWhen = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(ToolPath.Value);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SENTINEL_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = interruptWhen is null ? process.StandardOutput.ReadToEndAsync(timeout.Token) : ReadThenInterruptAsync(process, interruptWhen, timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Reads the output until a line matches, then sends SIGINT (Ctrl+C), and reads the rest.</summary>
    private static async Task<string> ReadThenInterruptAsync(Process process, Func<string, bool> interruptWhen, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            output.AppendLine(line);
            if (interruptWhen(line))
            {
                using var kill = Process.Start("kill", ["-s", "INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync(cancellationToken);
                break;
            }
        }

        output.Append(await process.StandardOutput.ReadToEndAsync(cancellationToken));
        return output.ToString();
    }

    /// <summary>The tool in its own build output (same configuration as the tests), found upward from the test binary.</summary>
    private static string Locate()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<configuration>/net10.0/
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "ExecutionSentinel.Cli", "bin", configuration, "net10.0", "execution-sentinel.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("The built execution-sentinel tool was not found under src/ExecutionSentinel.Cli/bin.");
    }
}
