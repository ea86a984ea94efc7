using Microsoft.Extensions.Options;

namespace ExecutionSentinel.Tests.Support;

/// <summary>Options as a monitor, for detectors built by hand in tests.</summary>
internal static class TestOptions
{
    public static IOptionsMonitor<T> Monitor<T>(Action<T>? configure = null)
        where T : class, new()
    {
        var options = new T();
        configure?.Invoke(options);
        return new StaticOptionsMonitor<T>(options);
    }

    public static IOptionsMonitor<SentinelOptions> Options(Action<SentinelOptions>? configure = null) => Monitor(configure);

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
