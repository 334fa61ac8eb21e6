using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

/// <summary>One DANN step (joint batch of source + target, 32x32) with raw calls, as bench/pytorch/steps.py does it.</summary>
static class DannRawBenchmark
{
    public static void Run(int batch, int steps)
    {
        manual_seed(1);
        var model = new Adversa.Dann.DannModel();
        var opt = optim.Adam(model.parameters(), 1e-3);
        var xs = rand(batch, 3, 32, 32) * 2 - 1;
        var xt = rand(batch, 3, 32, 32) * 2 - 1;
        var ys = randint(0, 10, [batch]);
        var dl = cat([zeros(batch, dtype: ScalarType.Int64), ones(batch, dtype: ScalarType.Int64)]);
        var hygiene = new MemoryHygiene(10);
        var sw = new Stopwatch();
        for (int s = 0; s < steps + 3; s++)
        {
            if (s == 3) sw.Start();
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var latent = model.Features(cat([xs, xt]));
            var loss = F.cross_entropy(model.ClassLogits(latent.narrow(0, 0, batch)), ys) + F.cross_entropy(model.DomainLogits(latent, 0.3), dl);
            loss.backward();
            opt.step();
            hygiene.AfterStep();
        }
        double per = sw.Elapsed.TotalSeconds / steps;
        Console.WriteLine($"TorchSharp DANN step {batch}+{batch} (32x32), {get_num_threads()} threads: {per * 1000:F0} ms/step, {2 * batch / per:F0} images/s");
    }
}
