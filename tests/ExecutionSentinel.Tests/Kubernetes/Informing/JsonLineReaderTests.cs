using System.Text;
using ExecutionSentinel.Kubernetes.Informing;

namespace ExecutionSentinel.Tests.Kubernetes.Informing;

public sealed class JsonLineReaderTests
{
    [Fact]
    public async Task The_end_of_the_stream_is_null_every_time_it_is_asked()
    {
        // A watch's body ends when the server closes it; a reader that kept answering "an empty line" there would keep
        // its caller spinning forever without ever reading (or being cancelled) again.
        using var reader = new JsonLineReader(new MemoryStream(Encoding.UTF8.GetBytes("{\"a\":1}\n")));

        Assert.Equal("{\"a\":1}", await NextAsync(reader));
        Assert.Null(await NextAsync(reader));
        Assert.Null(await NextAsync(reader));
    }

    [Fact]
    public async Task The_last_line_may_lack_its_newline_and_blank_lines_are_skipped()
    {
        using var reader = new JsonLineReader(new MemoryStream(Encoding.UTF8.GetBytes("\n{\"a\":1}\r\n \n\n{\"b\":2}")));

        Assert.Equal("{\"a\":1}\r", await NextAsync(reader));
        Assert.Equal("{\"b\":2}", await NextAsync(reader));
        Assert.Null(await NextAsync(reader));
    }

    [Fact]
    public async Task A_stream_of_only_blank_lines_has_none()
    {
        using var reader = new JsonLineReader(new MemoryStream(Encoding.UTF8.GetBytes("\n \r\n\t\n  ")));

        Assert.Null(await NextAsync(reader));
    }

    [Fact]
    public async Task Lines_longer_than_the_buffer_and_split_across_reads_come_whole()
    {
        var longLine = new string('x', 200_000);
        var body = $"{longLine}\nshort\n{longLine}y\n";

        // One byte at a time for the first part: every line is split across many reads.
        using var reader = new JsonLineReader(new TrickleStream(Encoding.UTF8.GetBytes(body), chunk: 7));

        Assert.Equal(longLine, await NextAsync(reader));
        Assert.Equal("short", await NextAsync(reader));
        Assert.Equal(longLine + "y", await NextAsync(reader));
        Assert.Null(await NextAsync(reader));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    public async Task A_byte_order_mark_before_the_first_line_is_skipped_however_the_bytes_arrive(int chunk)
    {
        using var reader = new JsonLineReader(new TrickleStream([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":2}\n")], chunk));

        Assert.Equal("{\"a\":1}", await NextAsync(reader));
        Assert.Equal("{\"b\":2}", await NextAsync(reader));
        Assert.Null(await NextAsync(reader));
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_fails_instead_of_growing_without_end()
    {
        // A server that never sends a newline would otherwise grow the buffer without end: the staleness timeout would
        // end the watch only after 90 s, gigabytes later on a fast link.
        using var reader = new JsonLineReader(new EndlessStream(), maxLineBytes: 1 << 20);

        await Assert.ThrowsAsync<InvalidDataException>(() => NextAsync(reader));
    }

    [Fact]
    public async Task The_buffer_grown_for_a_long_line_is_given_back_once_the_line_is_read()
    {
        // A watch lives for minutes: one large object must not keep its buffer for the rest of it.
        using var reader = new JsonLineReader(new MemoryStream(Encoding.UTF8.GetBytes($"{new string('x', 1 << 20)}\nshort\n")));
        var initial = reader.BufferSize;

        Assert.Equal(1 << 20, (await NextAsync(reader))!.Length);
        Assert.True(reader.BufferSize > initial);
        Assert.Equal("short", await NextAsync(reader));
        Assert.Equal(initial, reader.BufferSize);
        Assert.Null(await NextAsync(reader));
    }

    private static async Task<string?> NextAsync(JsonLineReader reader) =>
        await reader.ReadLineAsync(CancellationToken.None) is { } line ? Encoding.UTF8.GetString(line.Span) : null;

    /// <summary>A stream of 'x' that never ends, and never sends a newline.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'x');
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A stream that answers each read with at most a few bytes, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
