using Adversa.Common;
using Adversa.Data;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Gan;

/// <summary>What the DCGAN and ACGAN trainers set up identically: the face loader, fixed noise and the checkpoint layout.</summary>
public static class GanSetup
{
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

    public static Checkpoint State(string kind, object options, ImageSet data, nn.Module g, nn.Module d,
                                   TorchSharp.Modules.OptimizerHelper optG, TorchSharp.Modules.OptimizerHelper optD)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(options)!.AsObject();
        json["data"] = data.Name;
        json["images"] = data.Count;
        return new Checkpoint
        {
            Kind = kind,
            Options = json,
            Modules = { ["generator"] = g, ["discriminator"] = d },
            Optimizers = { ["generator"] = optG, ["discriminator"] = optD },
        };
    }

    /// <summary>Instance noise: what D sees, plus N(0, std²) per pixel (identity when std is 0).</summary>
    public static Tensor Noisy(Tensor x, double std) => std > 0 ? x + randn_like(x) * std : x;
}
