using Adversa.Common;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Gan;

/// <summary>What the DCGAN and ACGAN trainers set up identically: the face loader, fixed noise and the checkpoint layout.</summary>
public static class GanSetup
{
    /// <summary>A shuffling loader of the faces; a one-line error when there is not one full batch.</summary>
    public static DataLoader Loader(ImageSet data, int batch, long seed)
    {
        var loader = new DataLoader(data, batch, DcganTrainer.Transform, shuffle: true, seed: seed);
        if (loader.BatchesPerEpoch == 0)
            throw new AdversaException($"{data.Name} has {data.Count} images, fewer than one batch of {batch}; lower --batch");
        return loader;
    }

    /// <summary>Noise for the per-epoch sample figure, from its own generator so it never disturbs training's RNG.</summary>
    public static Tensor FixedNoise(int count, int latent, long seed)
    {
        using var g = new Generator((ulong)seed + 99);
        return randn([count, latent], generator: g).ToDevice(); // seeded on the CPU generator, so the same on every device
    }

    /// <inheritdoc/>
    public static Checkpoint State(string kind, object options, ImageSet data, nn.Module g, nn.Module d,
                                   TorchSharp.Modules.OptimizerHelper optG, TorchSharp.Modules.OptimizerHelper optD)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(options, Training.Checkpoint.OptionsJson)!.AsObject();
        json["data"] = data.Name;
        json["images"] = data.Count;
        return new Checkpoint
        {
            OptionsType = options.GetType(),
            Kind = kind,
            Options = json,
            Modules = { ["generator"] = g, ["discriminator"] = d },
            Optimizers = { ["generator"] = optG, ["discriminator"] = optD },
        };
    }

    /// <summary>
    /// Polyak averaging of the generator (Yazıcı et al. 2019, "The unusual effectiveness of averaging in GAN training"): a
    /// uniform running mean of G's weights over the steps after <paramref name="averageFrom"/> of training, saved in the
    /// checkpoint as module "average"; null when <paramref name="averageFrom"/> is 1 (off).
    /// </summary>
    public static WeightAverage? GeneratorAverage(Checkpoint state, double averageFrom, Func<DcganGenerator> build)
    {
        WeightAverage.CheckStart(averageFrom);
        if (averageFrom >= 1) return null;
        var average = new WeightAverage(build().ToDevice());
        state.Modules["average"] = average;
        return average;
    }

    /// <summary>The generator a GAN checkpoint reports (its average when it has one), in eval mode.</summary>
    public static DcganGenerator LoadReported(string checkpoint, string kind, System.Text.Json.Nodes.JsonNode? options, Func<DcganGenerator> build)
    {
        bool averaged = options?["average_from"] is { } a && (double)a < 1; // absent in checkpoints written before averaging
        return WeightAverage.LoadReported(checkpoint, kind, build, averaged, modelKey: "generator");
    }

    /// <summary>Instance noise: what D sees, plus N(0, std²) per pixel (identity when std is 0).</summary>
    public static Tensor Noisy(Tensor x, double std) => std > 0 ? x + randn_like(x) * std : x;
}
