using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Adaptation;

/// <summary>An extra loss on the unlabelled target rows, its weight at this step, and what to log about it.</summary>
public sealed record TargetTerm(Tensor Loss, double Weight, (string Name, double Value)[] Metrics);

/// <summary>
/// The optimisation step DANN and the improved UDA model share once their logits are computed: class cross-entropy
/// on the labelled rows plus domain cross-entropy (through the reversal layer) on all rows, one backward, one
/// optimizer step; returns the metrics the loop logs.
/// </summary>
public static class AdversarialStep
{
    /// <summary>Domain labels for a batch of <paramref name="source"/> source rows followed by <paramref name="target"/> target rows.</summary>
    public static Tensor DomainLabels(long source, long target) =>
        cat([zeros(source, dtype: ScalarType.Int64), ones(target, dtype: ScalarType.Int64)], 0);

    /// <summary>One DANN step: class loss on the labelled logits plus the domain loss on the domain logits (through gradient reversal), plus optional target terms; steps the optimizer and returns the metrics to log.</summary>
    public static List<(string Name, double Value)> Adversarial(optim.Optimizer optimizer, Tensor classLogits, Tensor labels,
                                                                Tensor domainLogits, Tensor domainLabels, double lambda,
                                                                params TargetTerm?[] targetTerms)
    {
        var classLoss = F.cross_entropy(classLogits, labels);
        var domainLoss = F.cross_entropy(domainLogits, domainLabels);
        var loss = classLoss + domainLoss;
        List<(string Name, double Value)> extra = [];
        foreach (var term in targetTerms)
        {
            if (term is null) continue;
            loss = loss + term.Weight * term.Loss;
            extra.AddRange(term.Metrics);
        }
        loss.backward();
        optimizer.step();
        return
        [
            .. extra,
            ("class_loss", classLoss.item<float>()),
            ("domain_loss", domainLoss.item<float>()),
            ("domain_acc", Accuracy(domainLogits, domainLabels)),
            ("lambda", lambda),
            ("train_acc", Accuracy(classLogits, labels)),
        ];
    }

    /// <summary>The baselines' step: class cross-entropy only.</summary>
    public static List<(string Name, double Value)> Supervised(optim.Optimizer optimizer, Tensor logits, Tensor labels)
    {
        var loss = F.cross_entropy(logits, labels);
        loss.backward();
        optimizer.step();
        return [("class_loss", loss.item<float>()), ("train_acc", Accuracy(logits, labels))];
    }

    /// <summary>
    /// The target conditional-entropy term of VADA (Shu et al. 2018) for <see cref="Adversarial"/>, or null when
    /// off: pushes decision boundaries away from dense target regions; ramped in with the reversal schedule so it
    /// does not lock in the first, poor guesses.
    /// </summary>
    public static TargetTerm? EntropyTerm(Tensor targetLogits, double weight, double progress)
    {
        if (weight <= 0) return null;
        var entropy = Entropy(targetLogits);
        return new TargetTerm(entropy, weight * GradientReversal.Schedule(progress), [("target_entropy", entropy.item<float>())]);
    }

    /// <summary>
    /// Self-training on the unlabelled target (pseudo-labels, Lee 2013, with FixMatch's confidence threshold): the
    /// cross-entropy of each target row against its own arg-max class, counted only where the (detached) softmax
    /// confidence reaches <paramref name="threshold"/>, averaged over all target rows; ramped in with the reversal
    /// schedule. Null when the threshold is 0 (off).
    /// </summary>
    public static TargetTerm? PseudoLabelTerm(Tensor targetLogits, double threshold, double weight, double progress)
    {
        if (threshold <= 0 || weight <= 0) return null;
        var (confidence, guess) = F.softmax(targetLogits.detach(), 1).max(1);
        var kept = confidence.ge(threshold).to_type(targetLogits.dtype);
        var loss = (F.cross_entropy(targetLogits, guess, reduction: nn.Reduction.None) * kept).mean();
        return new TargetTerm(loss, weight * GradientReversal.Schedule(progress),
                              [("pseudo_loss", loss.item<float>()), ("pseudo_kept", kept.mean().item<float>())]);
    }

    /// <summary>Mean Shannon entropy (nats) of the softmax of each row.</summary>
    public static Tensor Entropy(Tensor logits) => -(F.softmax(logits, 1) * F.log_softmax(logits, 1)).sum(1).mean();

    /// <summary>Share of rows whose arg-max logit is the label.</summary>
    public static double Accuracy(Tensor logits, Tensor labels) =>
        logits.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
}
