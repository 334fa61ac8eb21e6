using System.CommandLine;
using Adversa.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa summary MODEL</c>: each network's layers, output shapes and parameter counts.</summary>
public static class SummaryCommand
{
    public static Command Build()
    {
        var model = new Argument<string>("model") { Description = "Model family: gan" };
        model.AcceptOnlyFromAmong("gan");
        var cmd = new Command("summary", "Print each network's layers, output shapes and parameter counts (the study's architecture figures)");
        cmd.Arguments.Add(model);
        cmd.SetAction(p =>
        {
            var o = p.InvocationConfiguration.Output;
            var opts = new DcganOptions();
            Print(o, "DCGAN generator", new DcganGenerator(opts), randn(1, opts.LatentSize, 1, 1));
            Print(o, "DCGAN discriminator", new DcganDiscriminator(opts), randn(1, 3, 64, 64));
            return 0;
        });
        return cmd;
    }

    public static void Print(TextWriter o, string title, nn.Module<Tensor, Tensor> net, Tensor input)
    {
        o.WriteLine($"== {title} ==");
        o.WriteLine($"{"layer",-28} {"type",-18} {"output",-18} {"params",10}");
        using var noGrad = no_grad();
        net.eval();
        var x = input;
        foreach (var (name, child) in net.named_children())
        {
            if (child is TorchSharp.Modules.Sequential seq)
            {
                foreach (var (sub, layer) in seq.named_children())
                {
                    x = ((nn.Module<Tensor, Tensor>)layer).forward(x);
                    Row(o, $"{name}.{sub}", layer, x);
                }
            }
            else
            {
                x = ((nn.Module<Tensor, Tensor>)child).forward(x);
                Row(o, name, child, x);
            }
        }
        long total = net.parameters().Sum(t => t.numel());
        o.WriteLine($"{"total",-28} {"",-18} {"",-18} {total,10:N0}");
        o.WriteLine();
    }

    static void Row(TextWriter o, string name, nn.Module layer, Tensor output)
    {
        long count = layer.parameters().Sum(t => t.numel());
        o.WriteLine($"{name,-28} {layer.GetType().Name,-18} {string.Join('x', output.shape.Skip(1)),-18} {count,10:N0}");
    }
}
