using ExecutionSentinel.Cli.Input;

namespace ExecutionSentinel.Tests.Cli;

/// <summary>
/// The <c>.env</c> file (read by DotNetEnv): the forms the hand-written parser it replaced accepted, the process's
/// variables winning over the file, and a bad line named by its number, never shown.
/// </summary>
public sealed class DotEnvTests
{
    public static TheoryData<string, string, string> Values() => new()
    {
        { "plain", "SENTINEL_TIMEOUT=30", "30" },
        { "export", "export SENTINEL_TIMEOUT=30", "30" },
        { "spaces around", "  SENTINEL_TIMEOUT = 30  ", "30" },
        { "double quotes", "SENTINEL_TIMEOUT=\"30\"", "30" },
        { "single quotes", "SENTINEL_TIMEOUT='30'", "30" },
        { "comment after", "SENTINEL_TIMEOUT=30 # half a minute", "30" },
        { "hash inside a value", "SENTINEL_TIMEOUT=30#x", "30#x" },
        { "quoted hash", "SENTINEL_TIMEOUT='30 # x'", "30 # x" },
        { "inner spaces", "SENTINEL_TIMEOUT=a b", "a b" },
        { "empty", "SENTINEL_TIMEOUT=", "" },
        { "CRLF", "SENTINEL_TIMEOUT=30\r\nOTHER=1\r\n", "30" },
        { "comments and blank lines", "# from the Python tool\n\n   # indented\nSENTINEL_TIMEOUT=30\n", "30" },
        { "the last of two", "SENTINEL_TIMEOUT=30\nSENTINEL_TIMEOUT=60", "60" },
        { "a path with a dollar, single-quoted: raw", "SENTINEL_TIMEOUT='$HOME/x'", "$HOME/x" },
        { "several lines in double quotes", "SENTINEL_TIMEOUT=\"a\nb\"\nOTHER=1", "a\nb" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void A_value_is_read_as_a_shell_would_read_it(string name, string contents, string expected)
    {
        var values = DotEnv.Parse(contents, ".env");

        Assert.True(values.TryGetValue("SENTINEL_TIMEOUT", out var value), name);
        Assert.Equal(expected, value);
    }

    [Fact]
    public void A_variable_of_the_process_is_replaced_outside_single_quotes()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? "";

        var values = DotEnv.Parse("SENTINEL_KUBECONFIG=${HOME}/.kube/config\n", ".env");

        Assert.Equal(home + "/.kube/config", values["SENTINEL_KUBECONFIG"]);
    }

    [Fact]
    public void Reading_the_file_does_not_change_the_process_environment()
    {
        var name = "SENTINEL_DOTENV_TEST_" + Guid.NewGuid().ToString("N");

        DotEnv.Parse($"{name}=1\n", ".env");

        Assert.Null(Environment.GetEnvironmentVariable(name));
    }

    [Theory]
    [InlineData("SENTINEL_TIMEOUT=30\nsekret-4242\n", 2)]
    [InlineData("sekret-4242\n", 1)]
    [InlineData("# comment\n\nSENTINEL_TIMEOUT=30\nSENTINEL_POLL_INTERVAL=\"sekret-4242\n", 4)] // An unclosed quote: the line it opens on.
    [InlineData("SENTINEL_TIMEOUT=30\n= sekret-4242\n", 2)]
    [InlineData("SENTINEL_TIMEOUT=30\r\nsekret-4242\r\n", 2)]
    public void A_line_that_is_not_an_assignment_is_named_by_its_number_and_not_shown(string contents, int line)
    {
        var error = Assert.Throws<InputException>(() => DotEnv.Parse(contents, "/x/.env"));

        Assert.Equal($"/x/.env, line {line}: expected KEY=value.", error.Message);
    }

    [Fact]
    public void An_octal_escape_beyond_a_byte_is_refused_without_the_value()
    {
        var error = Assert.Throws<InputException>(() => DotEnv.Parse("SENTINEL_TIMEOUT=\"sekret\\777\"\n", "/x/.env"));

        Assert.DoesNotContain("sekret", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("/x/.env", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_process_wins_over_the_file_and_an_empty_variable_counts_as_unset()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("sentinel-dotenv").FullName, ".env");
        File.WriteAllText(file, "SENTINEL_TIMEOUT=30\nSENTINEL_POLL_INTERVAL=5\nSENTINEL_STRAGGLER_MULTIPLIER=4\n");
        var process = new Dictionary<string, string> { ["SENTINEL_TIMEOUT"] = "60", ["SENTINEL_POLL_INTERVAL"] = "" };

        var environment = SentinelEnvironment.Read(process.GetValueOrDefault, file, required: true);

        Assert.Equal(60, environment.TimeoutSeconds);
        Assert.Equal(5, environment.PollSeconds);
        Assert.Equal(4, environment.StragglerMultiplier);
    }
}
