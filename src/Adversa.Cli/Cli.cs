using System.CommandLine;
using Adversa.Common;

namespace Adversa.Cli;

/// <summary>Entry-point plumbing: exit codes and one-line errors.</summary>
public static class Cli
{
    public const int ExitUserError = 2, ExitInternalError = 1;

    /// <summary>The whole command tree (also what the tests run in-process).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "Adversa: adversarial deep learning on .NET (TorchSharp). Train, sample, evaluate and plot DCGAN faces, " +
            "attribute-conditioned ACGAN, DANN domain adaptation and ResNet-based UDA. Every command runs offline on " +
            "embedded synthetic data; point --data-root at real datasets (mnist, mnist_m, svhn, usps, celeba folders).");
        root.Options.Add(CommonOptions.Verbose);
        var help = root.Options.OfType<System.CommandLine.Help.HelpOption>().Single();
        help.Action = new NamedHelpAction((System.CommandLine.Invocation.SynchronousCommandLineAction)help.Action!);
        foreach (var command in new[]
                 {
                     Commands.InfoCommand.Build(), Commands.DataCommands.Build(), Commands.SummaryCommand.Build(), Commands.CheckpointCommand.Build(),
                     Commands.GanCommands.Build(), Commands.AcganCommands.Build(), Commands.DannCommands.Build(), Commands.UdaCommands.Build(), Commands.TsneCommand.Build(), Commands.ReproduceCommand.Build(),
                 })
            root.Subcommands.Add(command);
        AddThreadsEverywhere(root);
        return root;
    }

    /// <summary>Every command that does work takes --threads (applied in <see cref="Invoke"/> before it runs).</summary>
    static void AddThreadsEverywhere(Command command)
    {
        foreach (var sub in command.Subcommands) AddThreadsEverywhere(sub);
        if (command is not RootCommand && command.Subcommands.Count == 0 && command.Options.All(o => o.Name != "--threads"))
            command.Options.Add(CommonOptions.Threads());
    }

    public static int Invoke(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null) config.Output = output;
        if (error is not null) config.Error = error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
        {
            // Unknown options, bad values and out-of-range numbers: one line and a pointer to the help, not the whole help text.
            // One line: System.CommandLine lists the allowed values of AcceptOnlyFromAmong on lines of their own.
            var message = string.Join(" ", parse.Errors[0].Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            (error ?? Console.Error).WriteLine($"error: {message} (see '{CommandPath(parse)} --help')");
            return ExitUserError;
        }
        try
        {
            if (parse.CommandResult.Command.Options.Any(o => o.Name == "--threads") && parse.GetValue<int?>("--threads") is int threads)
                TorchSharp.torch.set_num_threads(threads);
            return parse.Invoke(config);
        }
        catch (Exception e)
        {
            var err = error ?? Console.Error;
            bool verbose = parse.GetValue(CommonOptions.Verbose);
            var user = Unwrap(e);
            if (user is AdversaException)
            {
                err.WriteLine($"error: {user.Message}");
                if (verbose) err.WriteLine(e);
                return ExitUserError;
            }
            err.WriteLine($"error: {user.GetType().Name}: {FirstLine(user.Message)} (run with --verbose for details)");
            if (verbose) err.WriteLine(e);
            return ExitInternalError;
        }
    }

    /// <summary>"adversa dann train" for the command a parse reached.</summary>
    static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Parent is null ? "adversa" : r.Command.Name);
        return string.Join(' ', names);
    }

    static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerException: not null } or System.Reflection.TargetInvocationException { InnerException: not null }
               or TypeInitializationException { InnerException: not null })
            e = e.InnerException!;
        return e;
    }

    static string FirstLine(string s) => s.Split('\n')[0].Trim();

    /// <summary>The progress sink for this process: a live bar on a terminal, plain periodic lines otherwise.</summary>
    public static IProgressSink Progress(TextWriter? output = null) =>
        output is null && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null
            ? new ConsoleProgress()
            : new PlainProgress(output ?? Console.Out);

    /// <summary>
    /// The library's help, with the usage line naming the command users type ("adversa") instead of the assembly
    /// ("Adversa.Cli"): System.CommandLine takes the root's name from the executable and offers no setting for it.
    /// </summary>
    sealed class NamedHelpAction(System.CommandLine.Invocation.SynchronousCommandLineAction inner) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var real = parseResult.InvocationConfiguration.Output;
            var buffer = new StringWriter();
            parseResult.InvocationConfiguration.Output = buffer;
            try { inner.Invoke(parseResult); }
            finally { parseResult.InvocationConfiguration.Output = real; }
            real.Write(buffer.ToString().Replace($"  {RootCommand.ExecutableName} ", "  adversa "));
            return 0;
        }
    }
}
