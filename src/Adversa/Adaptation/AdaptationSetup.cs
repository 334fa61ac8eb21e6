using System.Text.Json.Nodes;
using Adversa.Common;
using Adversa.Data;
using Adversa.Training;

namespace Adversa.Adaptation;

/// <summary>What the DANN and improved-UDA trainers set up identically: their two loaders and the checkpoint layout.</summary>
public static class AdaptationSetup
{
    /// <summary>
    /// The labelled loader (source, or target in target-only mode; seed) and, for a method that uses it (DANN, mean teacher), the unlabelled target
    /// loader (seed + 1); each must hold at least one batch.
    /// </summary>
    public static (DataLoader Labelled, TargetStream? Unlabelled) Loaders(DomainData source, DomainData target, AdaptationMethod mode, int batch,
                                                                          ImageTransform transform, long seed)
    {
        var labelled = Loader(mode == AdaptationMethod.TargetOnly ? target.Train : source.Train, batch, transform, seed);
        return (labelled, AdaptationMethods.UsesUnlabelledTarget(mode) ? new TargetStream(Loader(target.Train, batch, transform, seed + 1)) : null);
    }

    static DataLoader Loader(ImageSet set, int batch, ImageTransform transform, long seed)
    {
        var loader = new DataLoader(set, batch, transform, seed: seed);
        if (loader.BatchesPerEpoch == 0) throw new AdversaException($"{set.Name} has {set.Count} images, fewer than one batch of {batch}");
        return loader;
    }

    /// <summary>A checkpoint of one model and its optimizer, with the options and the data they were trained on.</summary>
    public static Checkpoint Checkpoint(string kind, object options, DomainData source, DomainData target, TorchSharp.torch.nn.Module model,
                                        TorchSharp.torch.optim.Optimizer optimizer, params (string Key, JsonNode Value)[] extra)
    {
        var recorded = System.Text.Json.JsonSerializer.SerializeToNode(options, options.GetType(), Training.Checkpoint.OptionsJson)!.AsObject();
        recorded["source_train"] = source.Train.Count;
        recorded["target_train"] = target.Train.Count;
        recorded["evaluation"] = target.EvalDescription;
        foreach (var (key, value) in extra) recorded[key] = value;
        return new Checkpoint
        {
            OptionsType = options.GetType(),
            Kind = kind,
            Options = recorded,
            Modules = { ["model"] = model },
            Optimizers = { ["model"] = (TorchSharp.Modules.OptimizerHelper)optimizer },
        };
    }
}
