using Adversa.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Adversa.Adaptation;

/// <summary>
/// AdaBN (Li et al. 2016): replace every batch-norm layer's running statistics by those of the domain the model
/// is about to be evaluated on, computed from that domain's unlabelled training images. Uses no labels, so it is
/// legitimate in unsupervised adaptation, but it is an adaptation step of its own and is reported as such.
/// </summary>
public static class BatchNormRecalibration
{
    /// <summary>AdaBN: recomputes every batch-norm layer's running statistics from <paramref name="unlabelled"/>'s images (weights unchanged); leaves the model in eval mode.</summary>
    public static void Apply(nn.Module model, ImageSet unlabelled, ImageTransform transform, int batch = 256)
    {
        var norms = model.modules().Where(m => m is BatchNorm1d or BatchNorm2d).ToList();
        using var noGrad = no_grad();
        model.eval();
        foreach (var m in norms)
        {
            switch (m)
            {
                case BatchNorm2d b: b.reset_running_stats(); b.momentum = null; break;
                case BatchNorm1d b: b.reset_running_stats(); b.momentum = null; break;
            }
            m.train(); // only the norms use batch statistics; dropout stays off
        }
        for (int s = 0; s + batch <= unlabelled.Count || s == 0; s += batch)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batch, unlabelled.Count - s);
            if (n < 2) break;
            var x = transform.Apply(unlabelled.Rows(s, n));
            ((nn.Module<Tensor, Tensor>)model).forward(x);
        }
        model.eval();
    }
}
