using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Bench;

/// <summary>
/// The improved-UDA trainer at one input size: backbone feature caching (images/s), a frozen-phase step on cached
/// maps and a fine-tuning step through the whole ResNet18 (source + target images/s each), on synthetic digits.
/// With <paramref name="augment"/> (colour jitter and texture blend) the source's bottom maps are computed per step.
/// </summary>
static class UdaBenchmark
{
    public static void Run(int size, int batch, int steps, bool augment)
    {
        using var source = Adversa.Adaptation.DomainData.Load("synth-svhn", null, batch * (steps + 4), 0.1, 1);
        using var target = Adversa.Adaptation.DomainData.Load("synth-mnistm", null, batch * (steps + 4), 0.1, 1);
        using var trainer = new Adversa.Uda.UdaTrainer(source, target,
            new Adversa.Uda.UdaOptions("synth-svhn", "synth-mnistm", ImageSize: size, FrozenEpochs: 1, FineTuneEpochs: 1, Batch: batch,
                                       ColorJitter: augment, TextureBlend: augment ? 0.5 : 0), NullProgress.Instance);
        var hygiene = new MemoryHygiene(10);
        double Phase(int epoch, out double firstBatchSeconds)
        {
            var sw = Stopwatch.StartNew();
            using var batches = trainer.Batches(epoch, 0).GetEnumerator();
            batches.MoveNext(); // the frozen epoch computes the feature cache here
            firstBatchSeconds = sw.Elapsed.TotalSeconds;
            var clock = new Stopwatch();
            for (int s = 0; s < steps + 2; s++)
            {
                if (s == 2) clock.Start();
                using (var scope = NewDisposeScope())
                using (var b = batches.Current)
                    trainer.Step(b, epoch, epoch * trainer.BatchesPerEpoch + s);
                hygiene.AfterStep();
                if (!batches.MoveNext()) throw new InvalidOperationException("not enough batches");
            }
            return clock.Elapsed.TotalSeconds / steps;
        }
        double frozen = Phase(0, out var cacheSeconds);
        double fine = Phase(1, out _);
        int cached = (augment ? 0 : source.Train.Count) + target.Train.Count;
        Console.WriteLine($"UDA at {size}x{size}{(augment ? ", source augmented (bottom per step)" : "")}, batch {batch}+{batch}, {get_num_threads()} threads: feature cache {cached} images in {cacheSeconds:F1} s ({cached / cacheSeconds:F0} images/s); " +
                          $"frozen step {frozen * 1000:F0} ms ({2 * batch / frozen:F0} images/s); fine-tuning step {fine * 1000:F0} ms ({2 * batch / fine:F0} images/s); peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
    }
}
