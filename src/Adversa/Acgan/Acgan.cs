using Adversa.Gan;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Adversa.Acgan;

/// <summary>
/// The ACGAN generator is the DCGAN generator fed [z, c]: the attribute vector c (0/1 per attribute) is mapped
/// to -1/+1 and concatenated to the noise, so one network draws a face with or without each attribute.
/// </summary>
public static class AcganGenerator
{
    /// <summary>The DCGAN generator sized for noise plus one input per attribute (<see cref="DcganOptions.ConditionSize"/>).</summary>
    public static DcganGenerator Create(DcganOptions o) => new(o);

    /// <summary>[z, 2c - 1] as the generator's input.</summary>
    public static Tensor Input(Tensor z, Tensor attributes) => cat([z, attributes.mul(2).sub(1)], 1);
}

/// <summary>
/// ACGAN discriminator: the DCGAN trunk with two heads on its (8w)x4x4 features, a real/fake logit and one
/// auxiliary logit per attribute (binary attributes, so BCE-with-logits for both heads).
/// </summary>
public sealed class AcganDiscriminator : Module<Tensor, (Tensor Adversarial, Tensor Attributes)>
{
    readonly Sequential main;
    readonly Conv2d adv;
    readonly Conv2d aux;

    /// <summary>The DCGAN trunk with a real/fake head and one attribute logit per conditioned attribute.</summary>
    public AcganDiscriminator(DcganOptions o) : base("AcganDiscriminator")
    {
        main = Sequential(DcganDiscriminator.Trunk(o));
        adv = Conv2d(o.DiscriminatorWidth * 8, 1, 4, 1, 0, bias: false);
        aux = Conv2d(o.DiscriminatorWidth * 8, o.ConditionSize, 4, 1, 0);
        RegisterComponents();
        DcganInit.Apply(this);
    }

    /// <inheritdoc/>
    public override (Tensor Adversarial, Tensor Attributes) forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = main.forward(x);
        return (adv.forward(h).view(-1).MoveToOuterDisposeScope(), aux.forward(h).flatten(1).MoveToOuterDisposeScope());
    }
}
