using CsCheck;
using ExecutionSentinel.Kubernetes.Mapping;
using ExecutionSentinel.Kubernetes.Mapping.Wire;

namespace ExecutionSentinel.Tests.Kubernetes;

/// <summary>The task id HyperFlow writes after its executor in a pod's command line, read word by word in place.</summary>
public sealed class TaskIdFromCommandTests
{
    [Theory]
    [InlineData("hflow-job-execute wf:1:task:12 redis://redis:6379; exitCode=$?", "wf:1:task:12")]
    [InlineData("${HF_VAR_X} ; /usr/bin/hflow-job-execute\t'wf:2:task:7'; exit", "wf:2:task:7")]
    [InlineData("hflow-job-execute", null)]
    [InlineData("echo no task here", null)]
    [InlineData("hflow-job-execute hflow-job-execute x", "hflow-job-execute")]
    public void The_word_after_the_executor_is_the_task_id(string script, string? expected)
    {
        var containers = new List<WireContainer> { new() { Command = ["/bin/sh", "-c", script] } };

        Assert.Equal(expected, PodProjection.TaskIdFromCommand(containers));
    }

    [Fact]
    public void The_id_may_be_the_first_argument_after_an_executor_in_the_command()
    {
        var containers = new List<WireContainer> { new() { Command = ["hflow-job-execute"], Args = ["  wf:3:task:1 ", "redis://r"] } };

        Assert.Equal("wf:3:task:1", PodProjection.TaskIdFromCommand(containers));
    }

    [Fact]
    public void It_reads_as_splitting_every_part_on_white_space_would()
    {
        // Reference: split every part of the command and the arguments on white space, take the word after the first
        // one ending in the executor's name, trim quotes and semicolons.
        static string? Reference(List<WireContainer> containers)
        {
            foreach (var container in containers)
            {
                var words = (container.Command ?? []).Concat(container.Args ?? [])
                    .SelectMany(part => part.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToList();
                var at = words.FindIndex(w => w.EndsWith("hflow-job-execute", StringComparison.Ordinal));
                if (at >= 0 && at + 1 < words.Count)
                {
                    return words[at + 1].Trim('"', '\'', ';');
                }
            }

            return null;
        }

        var word = Gen.OneOf(Gen.Const("hflow-job-execute"), Gen.Const("/bin/hflow-job-execute"), Gen.Const("'x;'"), Gen.Const(";"), Gen.String[Gen.Char["a-z:;'\" \t\n"], 0, 12]);
        var part = word.Array[0, 6].Select(words => string.Join(" ", words));
        var parts = part.List[0, 4].Select(list => (List<string>?)list);
        var container = Gen.Select(parts, parts, (command, args) => new WireContainer { Command = command, Args = args });
        container.List[0, 3].Sample(containers => Assert.Equal(Reference(containers), PodProjection.TaskIdFromCommand(containers)), iter: 5_000);
    }
}
