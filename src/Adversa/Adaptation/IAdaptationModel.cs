using static TorchSharp.torch;

namespace Adversa.Adaptation;

/// <summary>
/// What the adaptation steps (DANN's, the mean teacher's) need of a network: the 800-d latent of model-space images,
/// class logits on it, and domain logits on it through gradient reversal. DANN's small network and the improved UDA
/// model on a pretrained ResNet both are one; their forward gives class logits.
/// </summary>
public interface IAdaptationModel
{
    /// <summary>The 800-d latent vector of each model-space image.</summary>
    Tensor Features(Tensor images);
    /// <summary>Logits of the digit classes for latent vectors.</summary>
    Tensor ClassLogits(Tensor latent);
    /// <summary>Domain logits, with the gradient reaching the features multiplied by -<paramref name="lambda"/>.</summary>
    Tensor DomainLogits(Tensor latent, double lambda);
}
