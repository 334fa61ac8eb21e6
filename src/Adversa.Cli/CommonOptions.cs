using System.CommandLine;
using Adversa.Training;
using TorchSharp;

namespace Adversa.Cli;

/// <summary>
/// Options shared by every command, declared once so their names, defaults and help text never drift apart.
/// </summary>
public static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Print stack traces and extra detail on errors",
        Recursive = true,
    };

    public static Option<long> Seed() => new("--seed")
    {
        Description = "Random seed: fixes initial weights, data order, noise and synthetic data",
        DefaultValueFactory = _ => 1,
    };

    public static Option<int?> Threads() => new("--threads")
    {
        Description = "CPU threads for tensor operations (default: TorchSharp's choice, usually the core count)",
    };

    public static Option<string> Device() => new Option<string>("--device")
    {
        Description = "Compute device: cpu, or cuda when built with -p:AdversaBackend=cuda",
        DefaultValueFactory = _ => "cpu",
    }.AcceptOnlyFromAmong("cpu", "cuda");

    public static Option<string> Out(string defaultValue, string description) => new("--out", "-o")
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<string?> DataRoot() => new("--data-root")
    {
        Description = "Folder holding one subfolder per dataset (mnist, mnist_m, svhn, usps, celeba); default $ADVERSA_DATA_ROOT or ./data",
    };

    public static Option<int> Epochs(int defaultValue) => new("--epochs", "-e")
    {
        Description = "Passes over the training data",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int> Batch(int defaultValue) => new("--batch", "-b")
    {
        Description = "Mini-batch size",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<int?> Limit() => new("--limit")
    {
        Description = "Use only the first N examples of each dataset (quick runs); for synthetic data, generate N",
    };

    /// <summary>Adds the given options to a command and returns it, for compact command definitions.</summary>
    public static Command With(this Command command, params Option[] options)
    {
        foreach (var o in options) command.Options.Add(o);
        return command;
    }

    /// <summary>Applies --threads/--seed/--device and returns the device.</summary>
    public static torch.Device Configure(ParseResult p, Option<int?> threads, Option<long> seed, Option<string> device)
    {
        var dev = Runtime.SelectDevice(p.GetValue(device)!);
        Runtime.Configure(p.GetValue(threads), p.GetValue(seed));
        return dev;
    }
}
