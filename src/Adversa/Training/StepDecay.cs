using TorchSharp.Modules;

namespace Adversa.Training;

/// <summary>Step learning-rate decay: lr = base * factor^(epoch / every); every = 0 keeps it constant.</summary>
public sealed record StepDecay(double BaseRate, int Every = 0, double Factor = 0.5)
{
    /// <summary>The learning rate of epoch <paramref name="epoch"/>.</summary>
    public double At(int epoch) => Every > 0 ? BaseRate * Math.Pow(Factor, epoch / Every) : BaseRate;

    /// <summary>Sets every optimizer's learning rate for <paramref name="epoch"/>.</summary>
    public void Apply(int epoch, params OptimizerHelper[] optimizers)
    {
        double lr = At(epoch);
        foreach (var opt in optimizers)
            foreach (var group in opt.ParamGroups) group.LearningRate = lr;
    }
}
