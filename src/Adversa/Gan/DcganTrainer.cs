using Adversa.Common;
using System.Text.Json;
using Adversa.Data;
using Adversa.Plots;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Gan;

/// <summary>Training settings of <c>adversa gan train</c>.</summary>
public sealed record GanTrainOptions(
    DcganOptions Model,
    int Epochs = 5,
    int Batch = 64,
    double LearningRate = 2e-4,
    double Beta1 = 0.5,
    double Beta2 = 0.999,
    int LrDecayEvery = 0,
    double LrDecayFactor = 0.5,
    double RealLabel = 1.0,
    double InstanceNoise = 0.0,
    long Seed = 1,
    double AverageFrom = 1,
    string DiffAugmentation = "") : IGanTrainSettings;

/// <summary>
/// The DCGAN step of Radford et al. / pytorch/examples: update D on a real and a fake batch
/// (BCE on logits), then update G to make D call its fakes real (the non-saturating loss).
/// </summary>
public sealed class DcganTrainer : GanTrainer
{
    /// <summary>The checkpoint kind of DCGAN runs.</summary>
    public const string Kind = "dcgan";

    readonly GanTrainOptions _o;

    /// <summary>The discriminator.</summary>
    public DcganDiscriminator D => (DcganDiscriminator)Discriminator;

    /// <summary>Builds generator, discriminator, optimizers and loader for the faces.</summary>
    public DcganTrainer(ImageSet data, GanTrainOptions o)
        : base(Kind, data, o, o, () => new DcganGenerator(o.Model), () => new DcganDiscriminator(o.Model), sampleCount: 32) => _o = o;

    /// <inheritdoc/>
    protected override IReadOnlyList<(string Name, double Value)> Update(Batch batch)
    {
        var real = batch.Images;
        long n = real.shape[0];
        var ones = TorchSharp.torch.ones(n);
        var zerosT = TorchSharp.torch.zeros(n);

        // (1) D: maximise log D(x) + log(1 - D(G(z))), optionally with one-sided label smoothing (real target < 1),
        // instance noise and differentiable augmentation on D's inputs (all keep D from winning outright).
        OptD.zero_grad();
        var realLogits = D.forward(Seen(real));
        var lossReal = F.binary_cross_entropy_with_logits(realLogits, RealTargets(n));
        var z = randn(n, _o.Model.LatentSize);
        var fake = G.forward(z);
        var fakeLogits = D.forward(Seen(fake.detach()));
        var lossFake = F.binary_cross_entropy_with_logits(fakeLogits, zerosT);
        var lossD = lossReal + lossFake;
        lossD.backward();
        OptD.step();

        // (2) G: maximise log D(G(z)).
        OptG.zero_grad();
        var genLogits = D.forward(Seen(fake));
        var lossG = F.binary_cross_entropy_with_logits(genLogits, ones);
        lossG.backward();
        OptG.step();

        return
        [
            ("loss_D", lossD.item<float>()),
            ("loss_G", lossG.item<float>()),
            ("D(x)", realLogits.sigmoid().mean().item<float>()),
            ("D(G(z))", genLogits.sigmoid().mean().item<float>()),
        ];
    }

    /// <inheritdoc/>
    public override void EndEpoch(int epoch, string outDir, IProgressSink progress)
    {
        var path = Path.Combine(outDir, "samples", $"epoch_{epoch + 1:D3}.png");
        SaveGrid(Reported, FixedNoise, path, columns: 8);
        progress.Log($"samples {path}");
        EpochImage = path;
    }

    /// <summary>Rebuilds the generator a DCGAN checkpoint reports (its weight average when it has one) and loads its weights; eval mode.</summary>
    public static DcganGenerator LoadReported(string checkpoint)
    {
        var meta = Checkpoint.ReadMeta(checkpoint, Kind);
        var model = meta["options"]?["model"]?.Deserialize<DcganOptions>(Checkpoint.OptionsJson) ?? throw new Common.DataFormatException(checkpoint, "no model options recorded");
        return GanSetup.LoadReported(checkpoint, Kind, meta["options"], () => new DcganGenerator(model));
    }

    /// <summary>Generates from the given noise in eval mode and writes a grid PNG.</summary>
    public static void SaveGrid(DcganGenerator g, Tensor noise, string path, int columns)
    {
        using var images = Faces(g, noise);
        ImageGrid.SavePng(path, images, columns);
    }

    /// <summary>The faces of <paramref name="noise"/> as uint8 [N, 3, 64, 64], generated in eval mode (the generator's mode is restored).</summary>
    public static Tensor Faces(DcganGenerator g, Tensor noise)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool wasTraining = g.training;
        g.eval();
        var images = Transform.ToBytes(g.forward(noise)).MoveToOuterDisposeScope();
        if (wasTraining) g.train();
        return images;
    }

    /// <summary>n generated faces as uint8, from noise fixed by the seed (eval mode).</summary>
    public static Tensor GenerateBytes(DcganGenerator g, int n, long seed)
    {
        var latent = g.parameters().First().shape[0];
        return GenerateBytes(g, n, seed, (_, m, gen) => randn([m, latent], generator: gen));
    }

    /// <summary>
    /// n generated faces as uint8 [n,3,64,64] on the CPU, in batches of 100 (eval mode, no gradients): <paramref name="input"/> makes the
    /// generator's input for the batch starting at sample <c>start</c> of size <c>m</c> from a generator seeded by <paramref name="seed"/>.
    /// <paramref name="batchStatistics"/>: normalise each batch by its own statistics (train mode) instead of the running ones, as
    /// PyTorch's DCGAN example samples (measured worse here: bench <c>gan-sampling</c>).
    /// </summary>
    public static Tensor GenerateBytes(DcganGenerator g, int n, long seed, Func<int, int, Generator, Tensor> input, bool batchStatistics = false)
    {
        using var gen = new Generator((ulong)seed + 777);
        bool wasTraining = g.training;
        g.train(batchStatistics);
        var parts = new List<Tensor>();
        using (no_grad())
            for (int s = 0; s < n; s += 100)
            {
                using var scope = NewDisposeScope();
                var z = input(s, Math.Min(100, n - s), gen).ToDevice();
                parts.Add(Transform.ToBytes(g.forward(z)).cpu().MoveToOuterDisposeScope());
            }
        g.train(wasTraining);
        var result = cat(parts, 0);
        foreach (var t in parts) t.Dispose();
        return result;
    }
}
