using System.Text;
using Adversa.Acgan;
using Adversa.Dann;
using Adversa.Gan;
using static TorchSharp.torch;

namespace Adversa.Plots;

/// <summary>Layer tables (name, type, output shape, parameters) of each model family: the study's architecture figures.</summary>
public static class ModelSummary
{
    public static readonly string[] Families = ["gan", "acgan", "dann", "uda"];

    public static string Describe(string family)
    {
        var sb = new StringBuilder();
        var o = new DcganOptions();
        switch (family)
        {
            case "gan":
                Table(sb, "DCGAN generator", new DcganGenerator(o), randn(2, o.LatentSize, 1, 1));
                Table(sb, "DCGAN discriminator", new DcganDiscriminator(o), randn(2, 3, 64, 64));
                break;
            case "acgan":
                var c = o with { ConditionSize = 1 };
                Table(sb, "ACGAN generator (z + 1 attribute)", AcganGenerator.Create(c), randn(2, c.LatentSize + 1, 1, 1));
                var d = new AcganDiscriminator(c);
                sb.AppendLine("== ACGAN discriminator: the DCGAN trunk (main.0-10) with two 4x4 conv heads ==");
                sb.AppendLine($"adv: Conv2d 512->1 (real/fake logit); aux: Conv2d 512->attributes (+bias); total {d.parameters().Sum(t => t.numel()):N0} parameters");
                sb.AppendLine();
                break;
            case "dann":
                var m = new DannModel();
                using (no_grad())
                {
                    m.eval();
                    var latent = m.Features(randn(2, 3, 32, 32));
                    sb.AppendLine("== DANN (input 3x32x32) ==");
                    foreach (var (name, child) in m.named_children())
                        sb.AppendLine($"{name,-12} {child.parameters().Sum(t => t.numel()),10:N0} parameters");
                    sb.AppendLine($"latent {string.Join('x', latent.shape.Skip(1))}; class logits 10; domain logits 2 (through the gradient reversal layer)");
                    sb.AppendLine($"total {m.parameters().Sum(t => t.numel()):N0} parameters");
                    sb.AppendLine();
                }
                break;
            case "uda":
                var u = new Uda.UdaModel(Backbones.ResNet.OnnxResNet18());
                Table(sb, "UDA backbone: ImageNet ResNet18 (ONNX weights, blocks 2,2,2,3), input 3x64x64", u.Backbone, randn(2, 3, 64, 64));
                Table(sb, "UDA head on the layer4 map", u.Head, randn(2, u.Backbone.FeatureChannels, 2, 2));
                sb.AppendLine("== UDA classifiers (as DANN) ==");
                foreach (var (name, child) in u.named_children().Where(c => c.name is "classifier" or "domain"))
                    sb.AppendLine($"{name,-12} {child.parameters().Sum(t => t.numel()),10:N0} parameters");
                sb.AppendLine("class logits 10; domain logits 2 (through the gradient reversal layer)");
                sb.AppendLine($"total {u.parameters().Sum(t => t.numel()):N0} parameters, of which the backbone {u.Backbone.parameters().Sum(t => t.numel()):N0} (frozen in the first phase)");
                sb.AppendLine();
                break;
            default:
                throw new Common.AdversaException($"unknown model family '{family}'; known: {string.Join(", ", Families)}");
        }
        return sb.ToString();
    }

    /// <summary>Runs <paramref name="input"/> through each leaf of the network's Sequential children to show output shapes.</summary>
    static void Table(StringBuilder sb, string title, nn.Module<Tensor, Tensor> net, Tensor input)
    {
        sb.AppendLine($"== {title} ==");
        sb.AppendLine($"{"layer",-12} {"type",-18} {"output",-14} {"params",10}");
        using var noGrad = no_grad();
        net.eval();
        var x = input;
        foreach (var (name, child) in net.named_children())
        {
            var layers = child is TorchSharp.Modules.Sequential seq ? seq.named_children().Select(l => ($"{name}.{l.name}", l.module)) : [(name, child)];
            foreach (var (layerName, layer) in layers)
            {
                x = ((nn.Module<Tensor, Tensor>)layer).forward(x);
                sb.AppendLine($"{layerName,-12} {layer.GetType().Name,-18} {string.Join('x', x.shape.Skip(1)),-14} {layer.parameters().Sum(t => t.numel()),10:N0}");
            }
        }
        sb.AppendLine($"{"total",-12} {"",-18} {"",-14} {net.parameters().Sum(t => t.numel()),10:N0}");
        sb.AppendLine();
    }
}
