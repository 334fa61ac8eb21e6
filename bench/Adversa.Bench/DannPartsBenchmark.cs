using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

/// <summary>
/// What a DANN training step (128 + 128 images, 32x32) spends where, in ms per step: fetching both batches from
/// memory and from disk (<c>--cache disk</c>), each augmentation, the GC of the memory hygiene, and the model step.
/// </summary>
static class DannPartsBenchmark
{
    public static void Run(int width, int steps)
    {
        const int batch = 128;
        var time = (string what, Action body) =>
        {
            for (int i = 0; i < 3; i++) { using var s = NewDisposeScope(); body(); }
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) { using var s = NewDisposeScope(); body(); }
            double ms = sw.Elapsed.TotalMilliseconds / steps;
            Console.WriteLine($"{what,-44} {ms,8:F2} ms/step");
            return ms;
        };
        var transform = new Adversa.Data.ImageTransform(32, 3, Adversa.Data.Normalization.MinusOneToOne);
        using var memory = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, 20_000, 1);
        using var disk = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, 20_000, 1).MoveToDisk();
        var fromMemory = new Adversa.Data.DataLoader(memory, batch, transform, seed: 1).Forever().GetEnumerator();
        var fromDisk = new Adversa.Data.DataLoader(disk, batch, transform, seed: 1).Forever().GetEnumerator();
        time("two batches from memory (take + transform)", () => { for (int k = 0; k < 2; k++) { fromMemory.MoveNext(); fromMemory.Current.Dispose(); } });
        time("two batches from disk (read + transform)", () => { for (int k = 0; k < 2; k++) { fromDisk.MoveNext(); fromDisk.Current.Dispose(); } });
        var x = rand(batch, 3, 32, 32) * 2 - 1;
        time("--color-jitter on 128 images", () => Adversa.Data.Augment.ColorJitter(x));
        time("--texture-blend 0.5 on 128 images", () => Adversa.Data.Augment.TextureBlend(x, 0.5));
        time("mean teacher: random affine warp on 128 images", () => Adversa.Data.Augment.RandomAffine(x));
        time("mean teacher: integer shift on 128 images", () => Adversa.Data.Augment.RandomShift(x, 2));
        time("mean teacher: consistency augmentation (both views)", () => { Adversa.Data.Augment.Consistency(x); Adversa.Data.Augment.Consistency(x); });
        var grid = rand(batch, 3, 16, 16);
        time("  its 16x16 -> 32x32 upsampling, matrix form", () => Adversa.Data.Augment.Upsample(grid, 32, 32));
        time("  the same with F.interpolate (bilinear)", () => F.interpolate(grid, [32, 32], mode: InterpolationMode.Bilinear, align_corners: true));
        time("one memory-hygiene GC (the loop: every 10 steps)", () => MemoryHygiene.Run(HygieneMode.Gc));
        manual_seed(1);
        var model = new Adversa.Dann.DannModel(width);
        var opt = optim.Adam(model.parameters(), 1e-3);
        var xt = rand(batch, 3, 32, 32) * 2 - 1;
        var ys = randint(0, 10, [batch]);
        var dl = cat([zeros(batch, dtype: ScalarType.Int64), ones(batch, dtype: ScalarType.Int64)]);
        time($"forward + backward, width {width}", () =>
        {
            var latent = model.Features(cat([x, xt]));
            var loss = F.cross_entropy(model.ClassLogits(latent).narrow(0, 0, batch), ys) + F.cross_entropy(model.DomainLogits(latent, 0.3), dl);
            opt.zero_grad();
            loss.backward();
        });
        time("Adam step", () => opt.step());
    }
}
