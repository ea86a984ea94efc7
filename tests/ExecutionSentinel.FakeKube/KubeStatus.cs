using System.Text.Json;

namespace ExecutionSentinel.FakeKube;

/// <summary>Status payloads, written as raw JSON (the client's serializer cannot write <c>V1Status</c>).</summary>
public static class KubeStatus
{
    public static string Failure(int code, string reason, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new Dictionary<string, object>(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        });

    public static string Success() => """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}""";

    public static string NonZeroExit(int exitCode) =>
        $$$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: error executing command [cat], exit code {{{exitCode}}}","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"{{{exitCode}}}"}]}}""";
}
