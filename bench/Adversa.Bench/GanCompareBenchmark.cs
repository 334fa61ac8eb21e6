using System.Diagnostics;
using Adversa.Common;
using Adversa.Gan;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Bench;

/// <summary>
/// Raw DCGAN step vs the full training loop (TrainingLoop.Run with the DCGAN trainer: data loader, dispose scope,
/// metrics, history, progress, memory hygiene), interleaved in one process so that machine drift hits both alike:
/// each round runs a block of raw steps, then one loop epoch of the same number of steps. Step times of the loop
/// are taken between consecutive progress updates, so the epoch-end work (sample grid, loss curve, checkpoint)
/// is excluded; it is reported separately.
/// </summary>
static class GanCompareBenchmark
{
    public static void Run(int batch, int stepsPerBlock, int rounds)
    {
        var raw = new RawDcgan(batch);
        using var data = Adversa.Data.Synthetic.SynthFaces.Generate(batch * stepsPerBlock, 1);
        var trainer = new DcganTrainer(data, new GanTrainOptions(new DcganOptions(), Epochs: rounds + 1, Batch: batch));
        var clock = new StepClock();
        var outDir = Path.Combine(Path.GetTempPath(), $"adversa-gan-compare-{Environment.ProcessId}");
        raw.Steps(2); // warm-up, both sides
        TrainingLoop.Run(trainer, new LoopOptions(1, outDir), clock);
        var rawMs = new List<double>();
        var loopMs = new List<double>();
        var endMs = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            raw.Steps(stepsPerBlock);
            rawMs.Add(sw.Elapsed.TotalMilliseconds / stepsPerBlock);
            clock.Reset();
            sw.Restart();
            TrainingLoop.Run(trainer, new LoopOptions(r + 2, outDir), clock);
            double total = sw.Elapsed.TotalMilliseconds;
            loopMs.Add(clock.StepMs.Average());
            endMs.Add(total - clock.StepMs.Sum());
            Console.WriteLine($"round {r + 1}/{rounds}: raw {rawMs[^1]:F0} ms/step, loop {loopMs[^1]:F0} ms/step ({loopMs[^1] / rawMs[^1] - 1:+0.0%;-0.0%}), epoch-end work {endMs[^1]:F0} ms");
        }
        Directory.Delete(outDir, true);
        double Median(List<double> v) { var s = v.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
        var ratios = rawMs.Zip(loopMs, (a, b) => b / a - 1).ToList();
        Console.WriteLine($"DCGAN batch {batch}, {rounds} rounds x {stepsPerBlock} steps, {get_num_threads()} threads: raw median {Median(rawMs):F0} ms/step ({batch / Median(rawMs) * 1000:F1} images/s), " +
                          $"training loop median {Median(loopMs):F0} ms/step ({batch / Median(loopMs) * 1000:F1} images/s); loop overhead median {Median(ratios):+0.0%;-0.0%} (rounds: {string.Join(' ', ratios.Select(x => x.ToString("+0.0%;-0.0%")))}); " +
                          $"epoch-end work median {Median(endMs):F0} ms per epoch; peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
    }
}
