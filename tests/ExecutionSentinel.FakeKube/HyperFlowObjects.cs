using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace ExecutionSentinel.FakeKube;

/// <summary>
/// Makes Jobs and pods the way HyperFlow and the Job controller do: the Job from HyperFlow's real template
/// (<c>data/hyperflow/hyperflow-job-template.yaml</c>, embedded in this assembly) with its placeholders filled, its
/// pods from the Job's pod template with the controller's labels and owner reference, and the status a kubelet would
/// report.
/// </summary>
public sealed class HyperFlowObjects
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(HyperFlowObjects).Assembly.GetManifestResourceStream("ExecutionSentinel.FakeKube.hyperflow-job-template.yaml")
            ?? throw new InvalidOperationException("HyperFlow's Job template is not embedded in ExecutionSentinel.FakeKube.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private readonly string _template;

    public HyperFlowObjects(string templateYaml, string ns)
    {
        _template = templateYaml;
        Namespace = ns;
    }

    public string Namespace { get; }

    /// <summary>HyperFlow's Job template, verbatim (<c>data/hyperflow/hyperflow-job-template.yaml</c>).</summary>
    public static string HyperFlowJobTemplate => Template.Value;

    /// <summary>Objects for a workflow in <paramref name="ns"/>, made from HyperFlow's real Job template.</summary>
    public static HyperFlowObjects FromHyperFlowTemplate(string ns) => new(HyperFlowJobTemplate, ns);

    /// <summary>A Kubernetes-style random suffix, deterministic for a seed.</summary>
    public static string Suffix(int seed, int length)
    {
        var random = new Random(seed);
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[r.Next(Alphabet.Length)];
            }
        });
    }

    public static string JobName(string taskType, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"job{Suffix(index, 5)}-{taskType.ToLowerInvariant().Replace('_', '-')}-{index + 1}-1");

    public V1Job Job(string jobName, string taskId, DateTimeOffset createdAt)
    {
        var yaml = _template
            .Replace("job${jobName}", jobName, StringComparison.Ordinal)
            .Replace("${containerName}", "hyperflowwms/1000genome-workflow-worker:1.0.0", StringComparison.Ordinal)
            .Replace("${workingDirPath}", "/work_dir", StringComparison.Ordinal)
            .Replace("${volumePath}", "/work_dir", StringComparison.Ordinal)
            .Replace("${command}", $"hflow-job-execute {taskId} redis://redis:6379", StringComparison.Ordinal)
            .Replace("${cpuRequest}", "0.5", StringComparison.Ordinal)
            .Replace("${memRequest}", "512Mi", StringComparison.Ordinal)
            .Replace("${enableTracing}", "0", StringComparison.Ordinal)
            .Replace("${enableOtel}", "0", StringComparison.Ordinal)
            .Replace("${optParentId}", "", StringComparison.Ordinal)
            .Replace("${optTraceId}", "", StringComparison.Ordinal);
        var job = KubernetesYaml.Deserialize<V1Job>(yaml);
        var uid = Guid.NewGuid().ToString();
        job.Metadata.NamespaceProperty = Namespace;
        job.Metadata.Uid = uid;
        job.Metadata.CreationTimestamp = createdAt.UtcDateTime;
        var templateLabels = job.Spec.Template.Metadata.Labels;

        // API defaulting: a Job without labels takes its template's; the controller's selector labels go on the template.
        job.Metadata.Labels ??= new Dictionary<string, string>(templateLabels);
        templateLabels["batch.kubernetes.io/controller-uid"] = uid;
        templateLabels["controller-uid"] = uid;
        templateLabels["batch.kubernetes.io/job-name"] = jobName;
        templateLabels["job-name"] = jobName;
        job.Spec.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid } };
        job.Spec.BackoffLimit ??= 6;
        job.Spec.Completions ??= 1;
        job.Spec.Parallelism ??= 1;
        job.Status = new V1JobStatus { StartTime = createdAt.UtcDateTime, Active = 1 };
        return job;
    }

    public V1Pod Pod(V1Job job, int attempt, DateTimeOffset createdAt)
    {
        var jobName = job.Metadata.Name;
        var template = job.Spec.Template;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"{jobName}-{Suffix(HashCode.Combine(jobName, attempt), 5)}",
                NamespaceProperty = Namespace,
                Uid = Guid.NewGuid().ToString(),
                CreationTimestamp = createdAt.UtcDateTime,
                Labels = new Dictionary<string, string>(template.Metadata.Labels),
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "batch/v1", Kind = "Job", Name = jobName, Uid = job.Metadata.Uid, Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = KubernetesJson.Deserialize<V1PodSpec>(KubernetesJson.Serialize(template.Spec)),
            Status = new V1PodStatus { Phase = "Pending", QosClass = "Burstable" },
        };
    }

    public V1Pod EnginePod(string name, DateTimeOffset createdAt) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Namespace,
            Uid = Guid.NewGuid().ToString(),
            CreationTimestamp = createdAt.UtcDateTime,
            Labels = new Dictionary<string, string> { ["app"] = "hyperflow", ["component"] = "hyperflow-engine", ["name"] = "hyperflow-engine" },
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container { Name = "hyperflow", Image = "hyperflowwms/hyperflow:latest", Command = ["/bin/sh", "-c", "hflow run /work_dir; echo $? > /work_dir/.workflow-exit-code; while true; do sleep 5; done"] },
                new V1Container { Name = "worker", Image = "hyperflowwms/1000genome-workflow-worker:1.0.0", Command = ["/bin/sh", "-c", "while true; do sleep 5; done"] },
            ],
            NodeName = "node-0",
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            StartTime = createdAt.UtcDateTime,
            ContainerStatuses =
            [
                Running("hyperflow", createdAt),
                Running("worker", createdAt),
            ],
        },
    };

    public static V1ContainerStatus Running(string name, DateTimeOffset startedAt) => new()
    {
        Name = name,
        Ready = true,
        Started = true,
        Image = "image",
        ImageID = "image-id",
        State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = startedAt.UtcDateTime } },
    };

    public static JsonObject ToNode<T>(T item) => JsonNode.Parse(KubernetesJson.Serialize(item))!.AsObject();
}
