using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Adversa.Gan;

/// <summary>Sizes of the DCGAN pair. The defaults are the study's (and pytorch/examples/dcgan's).</summary>
public sealed record DcganOptions(int LatentSize = 100, int GeneratorWidth = 64, int DiscriminatorWidth = 64, int Channels = 3, int ConditionSize = 0);

/// <summary>
/// DCGAN generator: z [B, latent(+condition), 1, 1] to a 64x64 image in [-1, 1] through five strided
/// ConvTranspose2d layers, BatchNorm2d + ReLU between them and tanh at the end. State-dict keys are those of
/// PyTorch's <c>nn.Sequential</c> named <c>main</c> (<c>main.0.weight</c>, <c>main.1.running_mean</c>, ...).
/// </summary>
public sealed class DcganGenerator : Module<Tensor, Tensor>
{
    readonly Sequential main;

    /// <summary>The pytorch/examples generator: transposed convolutions from the latent vector to a 3x64x64 image.</summary>
    public DcganGenerator(DcganOptions o) : base("DcganGenerator")
    {
        int g = o.GeneratorWidth;
        main = Sequential(
            ("0", ConvTranspose2d(o.LatentSize + o.ConditionSize, g * 8, 4, 1, 0, bias: false)), ("1", BatchNorm2d(g * 8)), ("2", ReLU()),
            ("3", ConvTranspose2d(g * 8, g * 4, 4, 2, 1, bias: false)), ("4", BatchNorm2d(g * 4)), ("5", ReLU()),
            ("6", ConvTranspose2d(g * 4, g * 2, 4, 2, 1, bias: false)), ("7", BatchNorm2d(g * 2)), ("8", ReLU()),
            ("9", ConvTranspose2d(g * 2, g, 4, 2, 1, bias: false)), ("10", BatchNorm2d(g)), ("11", ReLU()),
            ("12", ConvTranspose2d(g, o.Channels, 4, 2, 1, bias: false)), ("13", Tanh()));
        RegisterComponents();
        DcganInit.Apply(this);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor z) => main.forward(z.dim() == 2 ? z.view(z.shape[0], z.shape[1], 1, 1) : z);
}

/// <summary>
/// DCGAN discriminator trunk: strided Conv2d layers (no pooling), BatchNorm2d + LeakyReLU(0.2), ending in a
/// [B, 8w, 4, 4] feature map; a last 4x4 convolution turns it into one real/fake logit.
/// </summary>
public sealed class DcganDiscriminator : Module<Tensor, Tensor>
{
    readonly Sequential main;

    /// <summary>The pytorch/examples discriminator at the given width.</summary>
    public DcganDiscriminator(DcganOptions o) : base("DcganDiscriminator")
    {
        main = Sequential([.. Trunk(o), ("11", Conv2d(o.DiscriminatorWidth * 8, 1, 4, 1, 0, bias: false))]);
        RegisterComponents();
        DcganInit.Apply(this);
    }

    /// <summary>The strided-conv trunk 3x64x64 to (8w)x4x4, shared with the ACGAN discriminator.</summary>
    public static (string, Module<Tensor, Tensor>)[] Trunk(DcganOptions o)
    {
        int d = o.DiscriminatorWidth;
        return
        [
            ("0", Conv2d(o.Channels, d, 4, 2, 1, bias: false)), ("1", LeakyReLU(0.2)),
            ("2", Conv2d(d, d * 2, 4, 2, 1, bias: false)), ("3", BatchNorm2d(d * 2)), ("4", LeakyReLU(0.2)),
            ("5", Conv2d(d * 2, d * 4, 4, 2, 1, bias: false)), ("6", BatchNorm2d(d * 4)), ("7", LeakyReLU(0.2)),
            ("8", Conv2d(d * 4, d * 8, 4, 2, 1, bias: false)), ("9", BatchNorm2d(d * 8)), ("10", LeakyReLU(0.2)),
        ];
    }

    /// <summary>Real/fake logits [B] (the sigmoid is folded into the loss for numerical stability).</summary>
    public override Tensor forward(Tensor x) => main.forward(x).view(-1);
}

/// <summary>DCGAN weight init: conv weights N(0, 0.02); batch-norm weight N(1, 0.02), bias 0.</summary>
public static class DcganInit
{
    /// <summary>DCGAN's initialisation: conv weights N(0, 0.02), batch-norm weights N(1, 0.02), biases 0.</summary>
    public static void Apply(Module module)
    {
        using var noGrad = no_grad();
        foreach (var (_, m) in module.named_modules())
        {
            switch (m)
            {
                case Conv2d c: init.normal_(c.weight, 0, 0.02); break;
                case ConvTranspose2d t: init.normal_(t.weight, 0, 0.02); break;
                case Linear l: init.normal_(l.weight, 0, 0.02); if (l.bias is not null) init.zeros_(l.bias); break;
                case BatchNorm2d b: init.normal_(b.weight, 1, 0.02); init.zeros_(b.bias); break;
            }
        }
    }
}
