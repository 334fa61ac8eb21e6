using System.Text;
using Adversa.Acgan;
using Adversa.Dann;
using Adversa.Gan;
using static TorchSharp.torch;

namespace Adversa.Summary;

/// <summary>The sizes a model was trained with, so its summary shows it as trained; null fields take the defaults.</summary>
public sealed record ModelShapes(DcganOptions? Gan = null, int DannWidth = 32, int DannImageSize = 32, int UdaImageSize = 32, int UdaTopStages = 3);

/// <summary>Layer tables (name, type, output shape, parameters) of each model family: the study's architecture figures.</summary>
public static class ModelSummary
{
    /// <summary>The model families <c>adversa summary</c> describes.</summary>
    public static readonly string[] Families = ["gan", "acgan", "dann", "uda"];

    /// <summary>Layer, output shape and parameters of every layer of a model family, as trained with <paramref name="shapes"/>.</summary>
    public static string Describe(string family, ModelShapes? shapes = null)
    {
        var sb = new StringBuilder();
        shapes ??= new ModelShapes();
        var o = shapes.Gan ?? new DcganOptions();
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
                var m = new DannModel(shapes.DannWidth, imageSize: shapes.DannImageSize);
                int side = shapes.DannImageSize;
                Table(sb, $"DANN feature extractor (input 3x{side}x{side})", Child(m, "features"), randn(2, 3, side, side));
                Table(sb, "DANN class classifier (on the 800-d latent)", Child(m, "classifier"), randn(2, DannModel.LatentSize));
                Table(sb, "DANN domain classifier (on the 800-d latent, behind the gradient reversal layer)", Child(m, "domain"), randn(2, DannModel.LatentSize));
                sb.AppendLine($"total {m.parameters().Sum(t => t.numel()):N0} parameters");
                sb.AppendLine();
                break;
            case "uda":
                var u = new Uda.UdaModel(Backbones.ResNet.OnnxResNet18(), shapes.UdaTopStages);
                int size = shapes.UdaImageSize;
                Table(sb, $"UDA backbone: ImageNet ResNet18 (ONNX weights, blocks 2,2,2,3), input 3x{size}x{size}", u.Backbone, randn(2, 3, size, size));
                using (no_grad())
                {
                    var map = u.BackboneMap(randn(2, 3, size, size));
                    Table(sb, $"UDA head on the layer4 map ({string.Join('x', map.shape.Skip(1))})", u.Head, map);
                }
                Table(sb, "UDA class classifier (as DANN's)", Child(u, "classifier"), randn(2, DannModel.LatentSize));
                Table(sb, "UDA domain classifier (as DANN's, behind the gradient reversal layer)", Child(u, "domain"), randn(2, DannModel.LatentSize));
                sb.AppendLine($"total {u.parameters().Sum(t => t.numel()):N0} parameters, of which the backbone {u.Backbone.parameters().Sum(t => t.numel()):N0} " +
                              $"(frozen in the first phase; the top {shapes.UdaTopStages} stage(s) fine-tuned after it)");
                sb.AppendLine();
                break;
            default:
                throw new Common.AdversaException($"unknown model family '{family}'; known: {string.Join(", ", Families)}");
        }
        return sb.ToString();
    }

    static nn.Module<Tensor, Tensor> Child(nn.Module parent, string name) =>
        (nn.Module<Tensor, Tensor>)parent.named_children().Single(c => c.name == name).module;

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
