using System.Diagnostics;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>The packed tool, installed the way a user installs it, runs the demo.</summary>
public sealed class ToolPackageTests
{
    [Fact]
    public async Task The_packed_tool_installs_into_a_tool_path_and_runs_the_demo()
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("sentinel-tool").FullName;
        var packages = Path.Combine(work, "packages");
        var tools = Path.Combine(work, "tools");

        var pack = await RunAsync("dotnet", root, "pack", Path.Combine(root, "src", "ExecutionSentinel.Cli"), "-c", "Release", "-o", packages, "-p:VersionSuffix=test");
        Assert.True(pack.ExitCode == 0, pack.Output);
        var package = Assert.Single(Directory.GetFiles(packages, "ExecutionSentinel.Cli.*.nupkg"));

        var install = await RunAsync("dotnet", root, "tool", "install", "ExecutionSentinel.Cli", "--tool-path", tools, "--add-source", packages, "--prerelease");
        Assert.True(install.ExitCode == 0, install.Output);

        var demo = await RunAsync(Path.Combine(tools, "execution-sentinel"), work, "demo", "--trace", "srasearch-chameleon-10a-001", "--speed", "400", "--faults", "none");
        Assert.True(demo.ExitCode == 0, demo.Output);
        Assert.Contains("Outcome:   Completed", demo.Output, StringComparison.Ordinal);
        Assert.Contains("-test", Path.GetFileName(package), StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ExecutionSentinel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("ExecutionSentinel.sln was not found above the test binary.");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
