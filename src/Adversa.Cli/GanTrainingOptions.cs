using System.CommandLine;
using Adversa.Common;
using Adversa.Data;
using Adversa.Gan;

namespace Adversa.Cli;

/// <summary>The options `gan train` and `acgan train` share, declared once (as DannCommands does for its two commands).</summary>
public sealed class GanTrainingOptions(string defaultOut, string outDescription)
{
    public readonly Option<string> Data = new("--data") { Description = "Training faces: synth-faces (embedded) or celeba (needs --data-root)", DefaultValueFactory = _ => "synth-faces" };
    public readonly Option<string> Split = new("--split") { Description = "CelebA split to train on", DefaultValueFactory = _ => "all" };
    public readonly Option<string?> Root = CommonOptions.DataRoot();
    public readonly Option<int?> Limit = CommonOptions.Limit();
    public readonly Option<int> Epochs = CommonOptions.Epochs(5);
    public readonly Option<int> Batch = CommonOptions.Batch(64);
    public readonly Option<double> Lr = new Option<double>("--lr") { Description = "Adam learning rate for G and D", DefaultValueFactory = _ => 2e-4 }.Above(0);
    public readonly Option<double> Beta1 = new Option<double>("--beta1") { Description = "Adam beta1", DefaultValueFactory = _ => 0.5 }.Check(v => v >= 0 && v < 1, "0 or more and below 1");
    public readonly Option<int> DecayEvery = new Option<int>("--lr-decay-every") { Description = "Multiply the learning rate by --lr-decay-factor every N epochs (0: never; the study used 40)", DefaultValueFactory = _ => 0 }.AtLeast(0);
    public readonly Option<double> DecayFactor = new Option<double>("--lr-decay-factor") { Description = "Factor of the step decay", DefaultValueFactory = _ => 0.5 }.Check(v => v > 0 && v <= 1, "above 0 and at most 1");
    public readonly Option<int> Nz = new Option<int>("--nz") { Description = "Latent size", DefaultValueFactory = _ => 100 }.AtLeast(1);
    public readonly Option<int> Ngf = new Option<int>("--ngf") { Description = "Generator width (feature maps of the last layer)", DefaultValueFactory = _ => 64 }.AtLeast(1);
    public readonly Option<int> Ndf = new Option<int>("--ndf") { Description = "Discriminator width (feature maps of the first layer)", DefaultValueFactory = _ => 64 }.AtLeast(1);
    public readonly Option<double> RealLabel = new Option<double>("--real-label") { Description = "Target for real images in D's loss (1 = plain DCGAN; 0.9 = one-sided label smoothing)", DefaultValueFactory = _ => 1.0 }.Check(v => v > 0 && v <= 1, "above 0 and at most 1");
    public readonly Option<double> InstanceNoise = new Option<double>("--instance-noise") { Description = "Std of Gaussian noise added to every image D sees (0 = off)", DefaultValueFactory = _ => 0.0 }.Between(0, 10);
    public readonly Option<double> AverageFrom = new Option<double>("--average-from") { Description = "Sample from the generator's weights averaged over the steps after this point of training (0-1; Polyak averaging, Yazıcı et al. 2019); 1 = off, the last weights", DefaultValueFactory = _ => 1.0 }.Between(0, 1);
    public readonly Option<string> DiffAugment = new Option<string>("--diff-augment") { Description = "Differentiable augmentation of every image D sees, real and generated (Zhao et al. 2020; for small datasets): a comma-separated list of color, translation, cutout, or none", DefaultValueFactory = _ => "none" }
        .Check(Gan.DiffAugment.IsValid, "a comma-separated list of color, translation, cutout, or none");
    public readonly Option<string> Out = CommonOptions.Out(defaultOut, outDescription);
    public readonly Option<bool> Resume = new("--resume") { Description = "Continue from <out>/checkpoint.zip exactly where it stopped" };
    public readonly Option<string?> LogDir = new("--logdir") { Description = "Also write TensorBoard scalars to this folder" };
    public readonly Option<int> GcEvery = new Option<int>("--gc-every") { Description = "Full GC every N steps to keep resident memory flat (0: never)", DefaultValueFactory = _ => 10 }.AtLeast(0);
    public readonly Option<long> Seed = CommonOptions.Seed();
    public readonly Option<int?> Threads = CommonOptions.Threads();
    public readonly Option<string> Device = CommonOptions.Device();

    public Option[] All => [Data, Split, Root, Limit, Epochs, Batch, Lr, Beta1, DecayEvery, DecayFactor, Nz, Ngf, Ndf, RealLabel, InstanceNoise, AverageFrom, DiffAugment, Out, Resume, LogDir, GcEvery, Seed, Threads, Device];

    public DcganOptions Model(ParseResult p) => new(p.GetValue(Nz), p.GetValue(Ngf), p.GetValue(Ndf));

    /// <summary>Applies --threads/--seed/--device, then takes the run folder (checked writable, locked against a second run) before any work.</summary>
    public Training.RunLock Begin(ParseResult p)
    {
        CommonOptions.Configure(p, Threads, Seed, Device);
        return Training.RunLock.Acquire(p.GetValue(Out)!);
    }

    /// <summary>Loads the 3x64x64 faces.</summary>
    public ImageSet LoadFaces(ParseResult p, string model)
    {
        var set = DatasetCatalog.Load(new DatasetRequest(p.GetValue(Data)!, p.GetValue(Split)!, p.GetValue(Limit), p.GetValue(Root), p.GetValue(Seed)));
        if (set.Height != 64 || set.Channels != 3) throw new AdversaException($"{set.Name} is {set.Channels}x{set.Height}x{set.Width}; the {model} needs 3x64x64 faces");
        return set;
    }

    public Training.LoopOptions Loop(ParseResult p, int epochs) =>
        new(epochs, p.GetValue(Out)!, p.GetValue(Resume), p.GetValue(GcEvery), p.GetValue(LogDir));
}
