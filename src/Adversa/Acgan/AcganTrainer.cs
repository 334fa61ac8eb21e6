using System.Text.Json;
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
    string DiffAugmentation = "",
    double Beta2 = 0.999) : IGanTrainSettings;

/// <summary>
/// ACGAN (Odena et al. 2017) on binary face attributes. D learns real/fake and the attributes of real and fake
/// images; G learns to fool D and to make D read back the attributes it was asked for.
/// </summary>
public sealed class AcganTrainer : GanTrainer
{
    /// <summary>The checkpoint kind of ACGAN runs.</summary>
    public const string Kind = "acgan";

    readonly AcganTrainOptions _o;
    readonly long[] _columns;

    /// <summary>The two-headed discriminator.</summary>
    public AcganDiscriminator D => (AcganDiscriminator)Discriminator;

    /// <summary>Builds the models for <paramref name="data"/>'s faces; refuses a dataset without attributes or an unknown attribute before any model is built.</summary>
    public AcganTrainer(ImageSet data, AcganTrainOptions o) : this(data, Conditioned(data, o)) { }

    AcganTrainer(ImageSet data, (AcganTrainOptions Options, long[] Columns) c)
        : base(Kind, data, c.Options, c.Options, () => AcganGenerator.Create(c.Options.Model), () => new AcganDiscriminator(c.Options.Model), sampleCount: 10)
        => (_o, _columns) = c;

    /// <summary>The options with the generator's condition size set, and the attribute columns; refused before any model is built.</summary>
    static (AcganTrainOptions, long[]) Conditioned(ImageSet data, AcganTrainOptions o)
    {
        if (data.Attributes is null) throw new AdversaException($"{data.Name} has no attributes; ACGAN needs a face dataset such as synth-faces or celeba");
        if (o.Attributes.Length == 0) throw new AdversaException("name at least one --attribute");
        var columns = o.Attributes.Select(a => (long)data.AttributeIndex(a)).ToArray();
        return (o with { Model = o.Model with { ConditionSize = o.Attributes.Length } }, columns);
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<(string Name, double Value)> Update(Batch batch)
    {
        var real = batch.Images;
        long n = real.shape[0];
        var realAttrs = batch.Attributes!.index_select(1, tensor(_columns));
        var ones = TorchSharp.torch.ones(n);
        var zerosT = TorchSharp.torch.zeros(n);
        var fakeAttrs = bernoulli(full([n, _columns.Length], 0.5f));
        var fake = G.forward(AcganGenerator.Input(randn(n, _o.Model.LatentSize), fakeAttrs));

        // D: real/fake as the DCGAN's, plus reading back the attributes of real and generated faces.
        OptD.zero_grad();
        var (realAdv, realAux) = D.forward(Seen(real));
        var (fakeAdv, fakeAux) = D.forward(Seen(fake.detach()));
        var lossD = F.binary_cross_entropy_with_logits(realAdv, RealTargets(n)) + F.binary_cross_entropy_with_logits(fakeAdv, zerosT)
                    + _o.AuxWeight * (F.binary_cross_entropy_with_logits(realAux, realAttrs) + F.binary_cross_entropy_with_logits(fakeAux, fakeAttrs));
        lossD.backward();
        OptD.step();

        // G: fool D and make it read back the attributes G was asked for.
        OptG.zero_grad();
        var (genAdv, genAux) = D.forward(Seen(fake));
        var lossG = F.binary_cross_entropy_with_logits(genAdv, ones) + _o.AuxWeight * F.binary_cross_entropy_with_logits(genAux, fakeAttrs);
        lossG.backward();
        OptG.step();

        return
        [
            ("loss_D", lossD.item<float>()),
            ("loss_G", lossG.item<float>()),
            ("D(x)", realAdv.sigmoid().mean().item<float>()),
            ("D(G(z))", genAdv.sigmoid().mean().item<float>()),
            ("aux_acc_real", realAux.gt(0).eq(realAttrs.gt(0.5)).to_type(ScalarType.Float32).mean().item<float>()),
        ];
    }

    /// <inheritdoc/>
    public override void EndEpoch(int epoch, string outDir, IProgressSink progress)
    {
        var path = Path.Combine(outDir, "samples", $"epoch_{epoch + 1:D3}.png");
        SavePairs(Reported, FixedNoise, _columns.Length, 0, path);
        progress.Log($"samples {path} (top row: {_o.Attributes[0]} off, bottom row: on)");
        EpochImage = path;
    }

    /// <summary>Rebuilds the generator an ACGAN checkpoint reports (its weight average when it has one); returns it with the attributes it was trained on.</summary>
    public static (DcganGenerator G, string[] Attributes) LoadReported(string checkpoint)
    {
        var meta = Checkpoint.ReadMeta(checkpoint, Kind);
        var options = meta["options"]?.Deserialize<AcganTrainOptions>(Checkpoint.OptionsJson) ?? throw new DataFormatException(checkpoint, "no ACGAN options recorded");
        var g = GanSetup.LoadReported(checkpoint, Kind, meta["options"], () => AcganGenerator.Create(options.Model));
        return (g, options.Attributes);
    }

    /// <summary>
    /// <paramref name="n"/> generated faces as uint8 [n,3,64,64] for FID: fresh noise, the first attribute alternating off and on
    /// (both values, half each), any other attributes drawn at random; deterministic per <paramref name="seed"/>.
    /// </summary>
    public static Tensor GenerateBytes(DcganGenerator g, int attributeCount, int n, long seed)
    {
        long noiseSize = g.parameters().First().shape[0] - attributeCount;
        return DcganTrainer.GenerateBytes(g, n, seed, (start, m, gen) =>
        {
            var z = randn([m, noiseSize], generator: gen);
            var attributes = rand([m, attributeCount], generator: gen).gt(0.5).to_type(ScalarType.Float32);
            attributes[TensorIndex.Colon, 0] = arange(start, start + m).remainder(2).to_type(ScalarType.Float32);
            return AcganGenerator.Input(z, attributes);
        });
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
