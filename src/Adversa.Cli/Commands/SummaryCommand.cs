using Adversa.Summary;
using System.CommandLine;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa summary MODEL</c>: each network's layers, output shapes and parameter counts.</summary>
public static class SummaryCommand
{
    public static Command Build()
    {
        var model = new Argument<string>("model") { Description = "Model family: " + string.Join(", ", ModelSummary.Families) };
        model.AcceptOnlyFromAmong(ModelSummary.Families);
        var cmd = new Command("summary", "Print each network's layers, output shapes and parameter counts (the study's architecture figures)");
        cmd.Arguments.Add(model);
        cmd.SetAction(p =>
        {
            p.InvocationConfiguration.Output.Write(ModelSummary.Describe(p.GetValue(model)!));
            return 0;
        });
        return cmd;
    }
}
