using HdrHistogram;
using HdrHistogram.Utilities;

namespace TokenExchange.Grains.Recent;

/// <summary>Latency histograms of the live view: microseconds from 1 µs to a minute, two significant digits.</summary>
public static class LatencyHistograms
{
    public const long HighestMicroseconds = 60_000_000;

    /// <summary>Wait-free recording from many threads; read by taking interval histograms.</summary>
    public static Recorder CreateRecorder() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicroseconds).WithPrecisionOf(2)
            .WithThreadSafeWrites().WithThreadSafeReads().Create();

    public static HistogramBase Create() => new LongHistogram(1, HighestMicroseconds, 2);

    /// <summary>A latency as a recordable value: at least 1 µs, at most the highest trackable (a slower one is "a minute or more").</summary>
    public static long Microseconds(TimeSpan elapsed) => Math.Clamp((long)elapsed.TotalMicroseconds, 1, HighestMicroseconds);

    public static byte[] Encode(HistogramBase histogram)
    {
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        // The buffer does not hand out its array: read the encoded bytes back one by one (a few hundred).
        buffer.Position = 0;
        var encoded = new byte[length];
        for (var i = 0; i < length; i++) encoded[i] = buffer.Get();
        return encoded;
    }

    public static HistogramBase Decode(byte[] encoded) =>
        HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(encoded), HighestMicroseconds);

    public static double Milliseconds(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
