using Adversa.Common;
using Adversa.Gan;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

/// <summary>The DCGAN step with raw TorchSharp calls on a fixed batch: no loader, no metrics, GC every 10 steps as the loop does.</summary>
sealed class RawDcgan
{
    readonly DcganGenerator _g;
    readonly DcganDiscriminator _d;
    readonly TorchSharp.Modules.Adam _optG, _optD;
    readonly Tensor _real, _ones, _zeros;
    readonly int _latent;
    long _step;

    public RawDcgan(int batch)
    {
        manual_seed(1);
        var o = new DcganOptions();
        _latent = o.LatentSize;
        _g = new DcganGenerator(o);
        _d = new DcganDiscriminator(o);
        _optG = optim.Adam(_g.parameters(), 2e-4, 0.5, 0.999);
        _optD = optim.Adam(_d.parameters(), 2e-4, 0.5, 0.999);
        _real = rand(batch, 3, 64, 64) * 2 - 1;
        _ones = ones(batch);
        _zeros = zeros(batch);
    }

    public void Steps(int n)
    {
        for (int s = 0; s < n; s++)
        {
            using (var scope = NewDisposeScope())
            {
                _optD.zero_grad();
                var lossReal = F.binary_cross_entropy_with_logits(_d.forward(_real), _ones);
                var fake = _g.forward(randn(_real.shape[0], _latent));
                var lossD = lossReal + F.binary_cross_entropy_with_logits(_d.forward(fake.detach()), _zeros);
                lossD.backward();
                _optD.step();
                _optG.zero_grad();
                var lossG = F.binary_cross_entropy_with_logits(_d.forward(fake), _ones);
                lossG.backward();
                _optG.step();
            }
            if (++_step % 10 == 0) { GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); }
        }
    }
}
