using System.Diagnostics;
using Adversa.Gan;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

/// <summary>Where a fine-tuning step's time goes: forward, backward, optimizer, at 32x32 with the top stage(s) trainable.</summary>
static class UdaProfileBenchmark
{
    public static void Run(int top)
    {
        var net = Adversa.Backbones.ResNet.OnnxResNet18();
        var model = new Adversa.Uda.UdaModel(net, top);
        model.train(); net.eval();
        var opt = optim.Adam(model.parameters(), 1e-4);
        using var noGrad0 = no_grad();
        var bottom = net.Bottom(randn(256, 3, 32, 32), top);
        noGrad0.Dispose();
        var y = randint(0, 10, [256]);
        var sw = new Stopwatch();
        double f = 0, b = 0, o = 0;
        for (int s = 0; s < 6; s++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            sw.Restart();
            var loss = F.cross_entropy(model.ClassLogits(model.LatentFromBottom(bottom)), y);
            double t1 = sw.Elapsed.TotalSeconds;
            loss.backward();
            double t2 = sw.Elapsed.TotalSeconds;
            opt.step();
            double t3 = sw.Elapsed.TotalSeconds;
            if (s >= 2) { f += t1; b += t2 - t1; o += t3 - t2; }
        }
        foreach (var (hw, k) in new[] { (1, 3), (2, 3), (4, 3), (1, 1) })
        {
            var conv = nn.Conv2d(512, 512, k, 1, k / 2, bias: false);
            var x = randn(256, 512, hw, hw);
            var t = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) { using var sc = NewDisposeScope(); conv.forward(x).sum().backward(); }
            double fb = t.Elapsed.TotalSeconds / 3;
            t.Restart();
            using (no_grad()) for (int i = 0; i < 3; i++) { using var sc = NewDisposeScope(); conv.forward(x); }
            Console.WriteLine($"conv {k}x{k} 512->512 on {hw}x{hw}, batch 256: forward {t.Elapsed.TotalSeconds / 3 * 1000:F0} ms, forward+backward {fb * 1000:F0} ms");
        }
        Console.WriteLine($"top {top}: forward {f / 4 * 1000:F0} ms, backward {b / 4 * 1000:F0} ms, optimizer {o / 4 * 1000:F0} ms (batch 256, bottom {string.Join('x', bottom.shape)})");
    }
}
