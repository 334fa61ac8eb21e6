using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Adversa.Training;

/// <summary>
/// TorchSharp's Adam with the same arithmetic, in the same order, on the same state (so the same numbers to the bit, and
/// checkpoints written by either read with either), but without its allocations. TorchSharp's step computes each
/// parameter's denominator as two new tensors (<c>sqrt(v)</c>, then that divided by <c>sqrt(1 - beta2^t)</c>) and keeps
/// them all until the whole step ends, so every step maps, page-faults and unmaps about twice the model's size afresh.
/// Here one scratch buffer, the size of the largest parameter, holds each denominator in turn: 176 against 220 ms per
/// step on the improved UDA's 16 M trainable parameters, one thread (<c>adversa-bench uda-profile</c>, docs/benchmarks.md).
/// It is named Adam because TorchSharp tags saved optimizer state with the class name: checkpoints written before it
/// existed resume with it, and its own read with TorchSharp's. No AMSGrad, maximize or weight decay (Adversa uses none).
/// </summary>
public sealed class Adam : TorchSharp.Modules.Adam
{
    Tensor? _scratch;

    /// <summary>One group of parameters at learning rate <paramref name="lr"/>.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(parameters, lr, beta1, beta2, eps) { }

    /// <summary>Several groups, each with its own learning rate (set in its options; <paramref name="lr"/> is the default).</summary>
    public Adam(IEnumerable<ParamGroup> groups, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(groups, lr, beta1, beta2, eps) { }

    /// <inheritdoc/>
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        if (o.amsgrad == true || o.maximize == true || o.weight_decay is not (null or 0))
            throw new NotSupportedException("Adversa's Adam implements plain Adam only (no AMSGrad, maximize or weight decay)");
        double beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, eps = o.eps!.Value, lr = o.LearningRate!.Value;
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step += 1;
            double correction1 = 1 - Math.Pow(beta1, state.step);
            double correction2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(beta1).add_(grad, alpha: 1 - beta1);
            state.exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
            using var denominator = Scratch(param).copy_(state.exp_avg_sq).sqrt_().div_(Math.Sqrt(correction2)).add_(eps);
            param.addcdiv_(state.exp_avg, denominator, value: -lr / correction1);
        }
    }, closure);

    /// <summary>A view of the scratch buffer shaped like <paramref name="param"/>, the buffer made once for the largest parameter.</summary>
    Tensor Scratch(Parameter param)
    {
        if (_scratch is null)
        {
            long largest = parameters().Max(p => p.numel());
            _scratch = empty(largest, dtype: param.dtype, device: param.device).DetachFromDisposeScope();
        }
        return _scratch.narrow(0, 0, param.numel()).view(param.shape);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _scratch?.Dispose();
        base.Dispose(disposing);
    }
}
