using static TorchSharp.torch;

namespace Adversa.Adaptation;

/// <summary>
/// The gradient reversal layer of Ganin &amp; Lempitsky: identity on the way forward, gradient multiplied by
/// -lambda on the way back. Written as x̂ + (-λ)(x - x̂) with x̂ = x.detach(): the forward value is x exactly
/// (the bracket is exactly zero) and autograd sees only the -λ·x term, so the reversal is exact as well.
/// </summary>
public static class GradientReversal
{
    /// <summary>Identity forward; multiplies the gradient by -<paramref name="lambda"/> backward.</summary>
    public static Tensor Apply(Tensor x, double lambda)
    {
        using var scope = NewDisposeScope();
        var frozen = x.detach();
        return frozen.add(x.sub(frozen).mul(-lambda)).MoveToOuterDisposeScope();
    }

    /// <summary>λ_p = 2 / (1 + exp(-γ p)) - 1 with γ = 10 (Ganin et al., JMLR 2016), p = training progress in [0, 1].</summary>
    public static double Schedule(double progress, double gamma = 10) => 2.0 / (1.0 + Math.Exp(-gamma * progress)) - 1.0;

    /// <summary>μ_p = μ0 / (1 + α p)^β with α = 10, β = 0.75.</summary>
    public static double AnnealedLearningRate(double baseRate, double progress, double alpha = 10, double beta = 0.75) =>
        baseRate / Math.Pow(1 + alpha * progress, beta);
}
