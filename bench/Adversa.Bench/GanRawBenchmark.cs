using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Bench;

static class GanRawBenchmark
{
    public static void Run(int batch, int steps)
    {
        var raw = new RawDcgan(batch);
        raw.Steps(3); // warm-up
        var sw = Stopwatch.StartNew();
        raw.Steps(steps - 3);
        double per = sw.Elapsed.TotalSeconds / (steps - 3);
        Console.WriteLine($"raw DCGAN step, batch {batch}: {per * 1000:F0} ms/step, {batch / per:F1} images/s, threads {get_num_threads()}, peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
    }
}
