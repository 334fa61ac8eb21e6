using System.CommandLine;
using Adversa.Cli;
using Adversa.Cli.Commands;

var root = new RootCommand(
    "Adversa: adversarial deep learning on .NET (TorchSharp). Train, sample, evaluate and plot DCGAN faces, " +
    "attribute-conditioned ACGAN, DANN domain adaptation and ResNet-based UDA. Every command runs offline on " +
    "embedded synthetic data; point --data-root at real datasets (mnist, mnist_m, svhn, usps, celeba folders).");
root.Options.Add(CommonOptions.Verbose);
root.Subcommands.Add(InfoCommand.Build());
root.Subcommands.Add(DataCommands.Build());
root.Subcommands.Add(GanCommands.Build());
root.Subcommands.Add(AcganCommands.Build());
root.Subcommands.Add(DannCommands.Build());
root.Subcommands.Add(TsneCommand.Build());
root.Subcommands.Add(SummaryCommand.Build());
return Cli.Invoke(root, args);
