using Adversa.Common;
using System.CommandLine;
using System.Globalization;
using System.Numerics;
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

    public static Option<int?> Threads() => new Option<int?>("--threads")
    {
        Description = "CPU threads for tensor operations (default: TorchSharp's choice, usually the core count)",
    }.AtLeast(1);

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

    public static Option<int> Epochs(int defaultValue) => new Option<int>("--epochs", "-e")
    {
        Description = "Passes over the training data",
        DefaultValueFactory = _ => defaultValue,
    }.AtLeast(1);

    public static Option<int> Batch(int defaultValue) => new Option<int>("--batch", "-b")
    {
        Description = "Mini-batch size (batch norm needs at least 2)",
        DefaultValueFactory = _ => defaultValue,
    }.AtLeast(2);

    public static Option<int?> Limit() => new Option<int?>("--limit")
    {
        Description = "Use only the first N examples of each dataset (quick runs); for synthetic data, generate N",
    }.AtLeast(1);

    /// <summary>A held-out fraction, strictly between 0 and 1 (dann train/table/eval, uda train).</summary>
    public static Option<double> Holdout(string description) => new Option<double>("--holdout")
    {
        Description = description,
        DefaultValueFactory = _ => 0.1,
    }.Between(0, 1, exclusive: true);

    // ---- Range checks: run while parsing, so a bad value is one line "error: ..." (exit 2) before any work starts.
    // Each also appends its range to the option's help text. NaN and infinities fail every range.

    /// <summary>Values from <paramref name="min"/> up (inclusive).</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, T min) where T : INumber<T> =>
        Check(option, v => v >= min, $"at least {Text(min)}");

    /// <summary>Values strictly above <paramref name="min"/> (and finite).</summary>
    public static Option<T> Above<T>(this Option<T> option, T min) where T : INumber<T> =>
        Check(option, v => v > min && T.IsFinite(v), $"greater than {Text(min)}");

    /// <summary>Values from <paramref name="min"/> to <paramref name="max"/>; <paramref name="exclusive"/>: both ends excluded.</summary>
    public static Option<T> Between<T>(this Option<T> option, T min, T max, bool exclusive = false) where T : INumber<T> =>
        exclusive ? Check(option, v => v > min && v < max, $"between {Text(min)} and {Text(max)}, both excluded")
                  : Check(option, v => v >= min && v <= max, $"{Text(min)} to {Text(max)}");

    /// <summary>An optional value: checked when given.</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int min) =>
        Check(option, v => v is not int given || given >= min, $"at least {min}");

    /// <summary>Any rule, with the words that say what it allows (shown in help and in the error).</summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, bool> ok, string allowed)
    {
        option.Description += $" [{allowed}]";
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 0 && r.Implicit) return; // the default, which is always valid
            if (TryValue<T>(r, out var v) && !ok(v)) r.AddError($"{option.Name} must be {allowed}, not {(v is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : v)}");
        });
        return option;
    }

    /// <summary>The parsed value, or false when the text did not convert (System.CommandLine reports that error itself).</summary>
    static bool TryValue<T>(System.CommandLine.Parsing.OptionResult r, out T value)
    {
        try { value = r.GetValueOrDefault<T>(); return true; }
        catch (InvalidOperationException) { value = default!; return false; }
    }

    static string Text<T>(T v) where T : INumber<T> => v.ToString(null, CultureInfo.InvariantCulture);

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
