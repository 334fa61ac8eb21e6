using Adversa.Common;
using Adversa.Data;
using Sequential = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Adversa.Metrics;

/// <summary>
/// A small CNN that reads one binary attribute off a 64x64 face: the judge of ACGAN attribute control.
/// Trained on real images only, and its accuracy on held-out real images is reported next to every score it gives.
/// </summary>
public sealed class AttributeClassifier : Module<Tensor, Tensor>
{
    /// <summary>The checkpoint kind of a saved attribute classifier.</summary>
    public const string Kind = "attribute-classifier";
    readonly Sequential net;

    /// <summary>A small CNN on 64x64 faces with one logit per attribute.</summary>
    public AttributeClassifier() : base("AttributeClassifier")
    {
        net = Sequential(
            Conv2d(3, 32, 4, 2, 1), BatchNorm2d(32), LeakyReLU(0.2),
            Conv2d(32, 64, 4, 2, 1), BatchNorm2d(64), LeakyReLU(0.2),
            Conv2d(64, 128, 4, 2, 1), BatchNorm2d(128), LeakyReLU(0.2),
            Conv2d(128, 128, 4, 2, 1), BatchNorm2d(128), LeakyReLU(0.2),
            Flatten(), Dropout(0.3), Linear(128 * 4 * 4, 1));
        RegisterComponents();
    }

    /// <summary>Logits [B] for model-space ([-1,1]) images.</summary>
    public override Tensor forward(Tensor x) => net.forward(x).view(-1);

    /// <summary>Trains on (images, 0/1 targets) and returns the accuracy on the held-out set.</summary>
    public double Fit(ImageSet train, ImageSet heldOut, int attribute, int epochs, long seed, IProgressSink progress)
    {
        manual_seed(seed);
        var opt = new Training.Adam(parameters(), 1e-3);
        var loader = new DataLoader(train, 64, Gan.DcganTrainer.Transform, seed: seed);
        var hygiene = new MemoryHygiene(10);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            this.train();
            progress.Start($"attribute classifier epoch {epoch + 1}/{epochs}", loader.BatchesPerEpoch);
            int done = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using var scope = NewDisposeScope();
                using var _ = batch;
                opt.zero_grad();
                var target = batch.Attributes!.select(1, attribute);
                var loss = functional.binary_cross_entropy_with_logits(forward(batch.Images), target);
                loss.backward();
                opt.step();
                progress.Update(++done, [("loss", loss.item<float>())]);
                hygiene.AfterStep();
            }
            progress.Finish();
        }
        return Accuracy(heldOut, attribute);
    }

    /// <summary>Accuracy on <paramref name="set"/> for attribute column <paramref name="attribute"/>.</summary>
    public double Accuracy(ImageSet set, int attribute)
    {
        using var scope = NewDisposeScope();
        var predicted = Predict(set.Images);
        return predicted.eq(set.Attributes!.select(1, attribute).gt(0.5)).to_type(ScalarType.Float32).mean().item<float>();
    }

    /// <summary>Boolean predictions for uint8 images.</summary>
    public Tensor Predict(Tensor images) => PredictModelSpace(Gan.DcganTrainer.Transform.Apply(images));

    /// <summary>Boolean predictions for model-space images.</summary>
    public Tensor PredictModelSpace(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        eval();
        var parts = new List<Tensor>();
        for (long s = 0; s < x.shape[0]; s += 256)
            parts.Add(forward(x.narrow(0, s, Math.Min(256, x.shape[0] - s))).gt(0));
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}

/// <summary>How well a conditional generator obeys one attribute, judged by <see cref="AttributeClassifier"/>.</summary>
public sealed record AttributeControlScore(int Pairs, double OffAccuracy, double OnAccuracy, double FlipRate)
{
    /// <summary>From the classifier's boolean predictions on the off and on member of each pair.</summary>
    public static AttributeControlScore From(Tensor predictedOff, Tensor predictedOn)
    {
        using var scope = NewDisposeScope();
        var off = predictedOff.logical_not();
        var on = predictedOn;
        double Mean(Tensor t) => t.to_type(ScalarType.Float32).mean().item<float>();
        return new AttributeControlScore((int)predictedOff.shape[0], Mean(off), Mean(on), Mean(off.logical_and(on)));
    }
}
