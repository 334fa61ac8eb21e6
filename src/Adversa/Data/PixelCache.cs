using static TorchSharp.torch;

namespace Adversa.Data;

/// <summary>
/// Allocates the uint8 [N,C,H,W] cache tensor once and lets many threads decode straight into their own rows,
/// so a 59,001-image set costs exactly its raw size in memory and no managed copy of it ever exists.
/// </summary>
public static class PixelCache
{
    /// <summary>Fills row i by calling <paramref name="fill"/>(i, rowSpan) in parallel.</summary>
    public static unsafe Tensor Fill(int count, int channels, int height, int width, SpanFiller fill, int? threads = null)
    {
        var cache = zeros([count, channels, height, width], dtype: ScalarType.Byte);
        long row = (long)channels * height * width;
        fixed (byte* basePtr = cache.bytes)
        {
            var start = (IntPtr)basePtr;
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount };
            try
            {
                Parallel.For(0, count, options, i =>
                {
                    var span = new Span<byte>((byte*)start + i * row, (int)row);
                    fill(i, span);
                });
            }
            catch (AggregateException e)
            {
                cache.Dispose();
                // Report the first bad file, not a wrapper: users need its name, not the thread pool's.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
        return cache;
    }

    /// <summary>Writes image <paramref name="index"/>'s pixels into <paramref name="row"/>.</summary>
    public delegate void SpanFiller(int index, Span<byte> row);
}
