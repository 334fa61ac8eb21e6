using System.Text.Json;
using System.Text.Json.Nodes;
using Adversa.Common;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Plots;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Acgan;

/// <summary>Training settings of <c>adversa acgan train</c>.</summary>
public sealed record AcganTrainOptions(
    DcganOptions Model,
    string[] Attributes,
    int Epochs = 5,
    int Batch = 64,
    double LearningRate = 2e-4,
    double Beta1 = 0.5,
    int LrDecayEvery = 0,
    double LrDecayFactor = 0.5,
    double AuxWeight = 1.0,
    double RealLabel = 1.0,
    double InstanceNoise = 0.0,
    long Seed = 1,
    double AverageFrom = 1,
    string DiffAugmentation = "");

/// <summary>
/// ACGAN (Odena et al. 2017) on binary face attributes. D learns real/fake and the attributes of real and fake
/// images; G learns to fool D and to make D read back the attributes it was asked for.
/// </summary>
public sealed class AcganTrainer : ITrainer
{
    public const string Kind = "acgan";

    readonly DataLoader _loader;
    readonly AcganTrainOptions _o;
    readonly long[] _columns;
    readonly Tensor _fixedNoise;
    readonly string[] _augment;

    public DcganGenerator G { get; }

    /// <summary>The generator's weights averaged over the steps after <see cref="AcganTrainOptions.AverageFrom"/> of training; null when off.</summary>
    public WeightAverage? Average { get; }

    /// <summary>The generator that samples, figures and metrics use: the averaged one once averaging has begun, else <see cref="G"/>.</summary>
    public DcganGenerator Reported => Average is { Count: > 0 } ? (DcganGenerator)Average.Averaged : G;

    long TotalSteps => (long)BatchesPerEpoch * _o.Epochs;
    public AcganDiscriminator D { get; }
    public TorchSharp.Modules.Adam OptG { get; }
    public TorchSharp.Modules.Adam OptD { get; }
    public Checkpoint State { get; }
    public int BatchesPerEpoch => _loader.BatchesPerEpoch;
    public int ImagesPerStep => _o.Batch;

    public AcganTrainer(ImageSet data, AcganTrainOptions o)
    {
        if (data.Attributes is null) throw new AdversaException($"{data.Name} has no attributes; ACGAN needs a face dataset such as synth-faces or celeba");
        if (o.Attributes.Length == 0) throw new AdversaException("name at least one --attribute");
        _o = o with { Model = o.Model with { ConditionSize = o.Attributes.Length } };
        _augment = DiffAugment.Parse(o.DiffAugmentation);
        _columns = o.Attributes.Select(a => (long)data.AttributeIndex(a)).ToArray();
        manual_seed(o.Seed);
        G = AcganGenerator.Create(_o.Model).ToDevice();
        D = new AcganDiscriminator(_o.Model).ToDevice();
        OptG = optim.Adam(G.parameters(), o.LearningRate, o.Beta1, 0.999);
        OptD = optim.Adam(D.parameters(), o.LearningRate, o.Beta1, 0.999);
        _loader = GanSetup.Loader(data, o.Batch, o.Seed);
        _fixedNoise = GanSetup.FixedNoise(10, _o.Model.LatentSize, o.Seed);
        State = GanSetup.State(Kind, _o, data, G, D, OptG, OptD);
        Average = GanSetup.GeneratorAverage(State, o.AverageFrom, () => AcganGenerator.Create(_o.Model));
    }

    /// <summary>What D sees of an image: differentiable augmentation (when on), then instance noise.</summary>
    Tensor Seen(Tensor x) => GanSetup.Noisy(DiffAugment.Apply(x, _augment), _o.InstanceNoise);

    public IEnumerable<Batch> Batches(int epoch, int skipBatches) => _loader.Epoch(epoch, skipBatches);

    public IReadOnlyList<(string Name, double Value)> Step(Batch batch, int epoch, long step)
    {
        new StepDecay(_o.LearningRate, _o.LrDecayEvery, _o.LrDecayFactor).Apply(epoch, OptG, OptD);
        G.train();
        D.train();
        var real = batch.Images;
        long n = real.shape[0];
        var realAttrs = batch.Attributes!.index_select(1, tensor(_columns));
        var ones = TorchSharp.torch.ones(n);
        var zerosT = TorchSharp.torch.zeros(n);
        var fakeAttrs = bernoulli(full([n, _columns.Length], 0.5f));
        var fake = G.forward(AcganGenerator.Input(randn(n, _o.Model.LatentSize), fakeAttrs));

        OptD.zero_grad();
        var (realAdv, realAux) = D.forward(Seen(real));
        var (fakeAdv, fakeAux) = D.forward(Seen(fake.detach()));
        var lossD = F.binary_cross_entropy_with_logits(realAdv, TorchSharp.torch.full(n, _o.RealLabel)) + F.binary_cross_entropy_with_logits(fakeAdv, zerosT)
                    + _o.AuxWeight * (F.binary_cross_entropy_with_logits(realAux, realAttrs) + F.binary_cross_entropy_with_logits(fakeAux, fakeAttrs));
        lossD.backward();
        OptD.step();

        OptG.zero_grad();
        var (genAdv, genAux) = D.forward(Seen(fake));
        var lossG = F.binary_cross_entropy_with_logits(genAdv, ones) + _o.AuxWeight * F.binary_cross_entropy_with_logits(genAux, fakeAttrs);
        lossG.backward();
        OptG.step();
        Average?.AfterStep(G, step, TotalSteps, _o.AverageFrom);

        return
        [
            ("loss_D", lossD.item<float>()),
            ("loss_G", lossG.item<float>()),
            ("D(x)", realAdv.sigmoid().mean().item<float>()),
            ("D(G(z))", genAdv.sigmoid().mean().item<float>()),
            ("aux_acc_real", realAux.gt(0).eq(realAttrs.gt(0.5)).to_type(ScalarType.Float32).mean().item<float>()),
        ];
    }

    public void EndEpoch(int epoch, string outDir, IProgressSink progress)
    {
        var path = Path.Combine(outDir, "samples", $"epoch_{epoch + 1:D3}.png");
        SavePairs(Reported, _fixedNoise, _columns.Length, 0, path);
        progress.Log($"samples {path} (top row: {_o.Attributes[0]} off, bottom row: on)");
        EpochImage = path;
    }

    public string? EpochImage { get; private set; }

    /// <summary>Rebuilds the generator an ACGAN checkpoint reports (its weight average when it has one); returns it with the attributes it was trained on.</summary>
    public static (DcganGenerator G, string[] Attributes) LoadReported(string checkpoint)
    {
        var meta = Checkpoint.ReadMeta(checkpoint, Kind);
        var options = meta["options"]?.Deserialize<AcganTrainOptions>(Checkpoint.OptionsJson) ?? throw new DataFormatException(checkpoint, "no ACGAN options recorded");
        var g = GanSetup.LoadReported(checkpoint, Kind, meta["options"], () => AcganGenerator.Create(options.Model));
        return (g, options.Attributes);
    }

    /// <summary>
    /// The study's disentanglement figure: for each noise vector, the same face with attribute
    /// <paramref name="attribute"/> off (top row) and on (bottom row); the other attributes are drawn once per pair.
    /// </summary>
    /// <param name="rowLabels">Labels for the two rows (e.g. "Smiling off", "Smiling on"), drawn left of them; null: the bare pixel grid.</param>
    public static void SavePairs(DcganGenerator g, Tensor noise, int attributeCount, int attribute, string path, long seed = 7, string[]? rowLabels = null)
    {
        using var images = PairBytes(g, noise, attributeCount, attribute, seed);
        SavePairs(images, path, rowLabels);
    }

    /// <summary>Writes pairs made by <see cref="PairBytes"/> as the two-row figure (off on top, on below).</summary>
    public static void SavePairs(Tensor pairBytes, string path, string[]? rowLabels = null)
    {
        int columns = (int)pairBytes.shape[0] / 2;
        if (rowLabels is null) ImageGrid.SavePng(path, pairBytes, columns);
        else ImageGrid.SaveWithRowLabels(path, pairBytes, columns, rowLabels, "same noise in each column; only the attribute differs", cellPixels: 80);
    }

    /// <summary>The pairs as uint8 [2M, 3, 64, 64] on the CPU: the M faces with the attribute off, then the same M with it on.</summary>
    public static Tensor PairBytes(DcganGenerator g, Tensor noise, int attributeCount, int attribute, long seed)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (off, on) = GeneratePairs(g, noise, attributeCount, attribute, seed);
        return cat([DcganTrainer.Transform.ToBytes(off), DcganTrainer.Transform.ToBytes(on)], 0).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>Model-space images [M,3,64,64] for the same noise with the attribute off and on.</summary>
    public static (Tensor Off, Tensor On) GeneratePairs(DcganGenerator g, Tensor noise, int attributeCount, int attribute, long seed)
    {
        using var scope = NewDisposeScope();
        bool wasTraining = g.training;
        g.eval();
        using var gen = new Generator((ulong)seed);
        var others = rand([noise.shape[0], attributeCount], generator: gen).gt(0.5).to_type(ScalarType.Float32).ToDevice();
        var offAttrs = others.clone();
        offAttrs[TensorIndex.Colon, attribute] = 0;
        var onAttrs = others.clone();
        onAttrs[TensorIndex.Colon, attribute] = 1;
        var off = g.forward(AcganGenerator.Input(noise, offAttrs));
        var on = g.forward(AcganGenerator.Input(noise, onAttrs));
        if (wasTraining) g.train();
        return (off.MoveToOuterDisposeScope(), on.MoveToOuterDisposeScope());
    }
}
