using System.Diagnostics;
using Adversa.Common;
using Adversa.Gan;
using static TorchSharp.torch;

namespace Adversa.Bench;

/// <summary>The full trainer (data loader, dispose scopes, metrics, memory hygiene) on synthetic faces; RSS every 50 steps.</summary>
static class GanLoopBenchmark
{
    public static void Run(int batch, int steps, int gcEvery)
    {
        using var data = Adversa.Data.Synthetic.SynthFaces.Generate(Math.Max(batch * 4, 512), 1);
        var trainer = new DcganTrainer(data, new GanTrainOptions(new DcganOptions(), Epochs: 1000, Batch: batch));
        var hygiene = new MemoryHygiene(gcEvery);
        var sw = new Stopwatch();
        long step = 0;
        var rss = new List<string>();
        foreach (var b in Enumerable.Range(0, 1000).SelectMany(e => trainer.Batches(e, 0)))
        {
            if (step == 3) sw.Start();
            using (var scope = NewDisposeScope())
            using (b)
                trainer.Step(b, 0, step);
            hygiene.AfterStep();
            if (step % 50 == 0) rss.Add($"{step}:{Runtime.ResidentBytes() / 1e6:F0}");
            if (++step == steps) break;
        }
        double per = sw.Elapsed.TotalSeconds / (steps - 3);
        Console.WriteLine($"trainer DCGAN step, batch {batch}, gc every {gcEvery}: {per * 1000:F0} ms/step, {batch / per:F1} images/s; RSS MB by step {string.Join(' ', rss)}; peak {Runtime.PeakResidentBytes() / 1e6:F0} MB");
    }
}
