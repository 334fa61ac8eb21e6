using System.Text.Json;
using System.Text.Json.Nodes;
using Adversa.Acgan;
using Adversa.Common;
using Adversa.Dann;
using Adversa.Gan;
using Adversa.Training;
using Adversa.Uda;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Adversa.Interop;

/// <summary>What <see cref="PyTorchWeights.Export"/> wrote.</summary>
public sealed record ExportResult(string Kind, string Weights, string Sidecar, int Tensors);

/// <summary>
/// Models out of Adversa and back: the model a checkpoint reports (the weight average when there is one, the mean
/// teacher's teacher) as a PyTorch state_dict in torch.save format (<c>.pth</c>, readable by <c>torch.load</c> and
/// <c>load_state_dict</c> on the equivalent PyTorch module), with a sidecar <c>.json</c> beside it holding the kind, the
/// training options and every key's shape; and such a pair back into a checkpoint that sample, eval, predict and t-SNE read.
/// </summary>
public static class PyTorchWeights
{
    /// <summary>The format tag of the sidecar .json.</summary>
    public const string Format = "adversa-export/1";

    /// <summary>Per kind: the checkpoint's module key, how its reported model is loaded, and how an empty one is built from options.</summary>
    sealed record Family(string ModuleKey, Func<string, nn.Module> LoadReported, Func<JsonObject, nn.Module> Build);

    static Family For(string? kind, string file) => kind switch
    {
        DcganTrainer.Kind => new("generator", c => DcganTrainer.LoadReported(c), o => new DcganGenerator(Read<DcganOptions>(o["model"], file))),
        AcganTrainer.Kind => new("generator", c => AcganTrainer.LoadReported(c).G, o => AcganGenerator.Create(Read<AcganTrainOptions>(o, file).Model)),
        DannTrainer.Kind => new("model", c => DannRun.LoadModel(c).Model, o => DannModel.For(Read<DannOptions>(o, file))),
        UdaTrainer.Kind => new("model", c => UdaRun.LoadModel(c).Model, o =>
        {
            var u = Read<UdaOptions>(o, file);
            return u.CreateModel(u.Backbone.CreateEmpty());
        }),
        _ => throw new AdversaException($"{file}: is {Checkpoint.Describe(kind)}; export and import handle dcgan, acgan, dann and uda"),
    };

    static T Read<T>(JsonNode? node, string file) =>
        node.Deserialize<T>(Checkpoint.OptionsJson) ?? throw new DataFormatException(file, $"no {typeof(T).Name} recorded");

    /// <summary>The sidecar of a weights file: the same name with .json.</summary>
    public static string SidecarPath(string weights) => Path.ChangeExtension(weights, ".json");

    /// <summary>Writes the checkpoint's reported model to <paramref name="weights"/> (.pth) and its sidecar .json, each atomically.</summary>
    public static ExportResult Export(string checkpoint, string weights)
    {
        var meta = Checkpoint.ReadMeta(checkpoint);
        var kind = (string?)meta["kind"];
        var model = For(kind, checkpoint).LoadReported(checkpoint);
        using (var pth = new MemoryStream()) // save_py closes the stream it is given
        {
            model.save_py(pth);
            AtomicFile.WriteAllBytes(weights, pth.ToArray());
        }
        var shapes = new JsonObject();
        foreach (var (key, tensor) in model.state_dict()) shapes[key] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray());
        var sidecar = SidecarPath(weights);
        Json.Write(sidecar, new JsonObject
        {
            ["format"] = Format,
            ["kind"] = kind,
            ["source_checkpoint"] = Path.GetFullPath(checkpoint),
            ["options"] = meta["options"]?.DeepClone(),
            ["state_dict"] = shapes,
        });
        return new ExportResult(kind!, weights, sidecar, shapes.Count);
    }

    /// <summary>
    /// Builds the model its sidecar describes, loads the .pth into it (every key must match in name and shape) and writes
    /// a checkpoint holding it, as the trained and as the reported (averaged) model, so every command that reads a
    /// checkpoint of that kind reads this one. It has no optimizer state: training cannot resume from it.
    /// </summary>
    public static string Import(string weights, string checkpoint)
    {
        if (!File.Exists(weights)) throw new AdversaException($"{weights}: file not found");
        var sidecarPath = SidecarPath(weights);
        if (!File.Exists(sidecarPath))
            throw new AdversaException($"{sidecarPath}: not found; import reads the options file that export writes beside the weights (kind and architecture)");
        var sidecar = JsonNode.Parse(File.ReadAllText(sidecarPath)) as JsonObject ?? throw new DataFormatException(sidecarPath, "not a JSON object");
        if ((string?)sidecar["format"] != Format) throw new DataFormatException(sidecarPath, $"not an Adversa export sidecar (format '{sidecar["format"]}', expected {Format})");
        var kind = (string?)sidecar["kind"];
        var options = sidecar["options"] as JsonObject ?? throw new DataFormatException(sidecarPath, "no options recorded");
        var family = For(kind, sidecarPath);
        nn.Module Build()
        {
            try { return family.Build(options).ToDevice(); }
            catch (AdversaException e) { throw new DataFormatException(sidecarPath, $"its {kind} options do not describe a model ({e.Message})", e); }
        }
        var model = Build();
        try { model.load_py(weights, strict: true); }
        catch (Exception e) when (e is not AdversaException)
        {
            throw new DataFormatException(weights, $"these weights do not fit the {kind} model of {Path.GetFileName(sidecarPath)} ({e.Message.Split('\n')[0]})", e);
        }
        var average = new WeightAverage(Build());
        average.StartFrom(model); // the reported (averaged) model is exactly the imported one
        new Checkpoint
        {
            Kind = kind!,
            Options = (JsonObject)options.DeepClone(),
            Modules = { [family.ModuleKey] = model, ["average"] = average },
        }.Save(checkpoint);
        return kind!;
    }
}
