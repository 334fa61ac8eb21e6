using System.Diagnostics;
using Adversa.Backbones;
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
        var opt = new Adversa.Training.Adam(model.parameters(), 1e-4);
        using var noGrad0 = no_grad();
        var bottom = net.Bottom(randn(256, 3, 32, 32), top);
        noGrad0.Dispose();
        var y = randint(0, 10, [256]);
        var sw = new Stopwatch();
        // Steps alternate between full convolutions everywhere and the cropped kernels on 1x1 outputs (SmallMapConv), so both
        // see the same machine load; the first two steps of each are warm-up.
        var f = new double[2];
        var b = new double[2];
        var o = new double[2];
        for (int s = 0; s < 12; s++)
        {
            int crop = s % 2;
            SmallMapConv.Enabled = crop == 1;
            using var scope = NewDisposeScope();
            opt.zero_grad();
            sw.Restart();
            var loss = F.cross_entropy(model.ClassLogits(model.LatentFromBottom(bottom)), y);
            double t1 = sw.Elapsed.TotalSeconds;
            loss.backward();
            double t2 = sw.Elapsed.TotalSeconds;
            opt.step();
            double t3 = sw.Elapsed.TotalSeconds;
            if (s >= 4) { f[crop] += t1; b[crop] += t2 - t1; o[crop] += t3 - t2; }
        }
        SmallMapConv.Enabled = true;
        // The optimizer alone, on the gradients of the last step: TorchSharp's Adam and Adversa's (the same numbers, without
        // per-step allocations) alternating, three warm-up steps each, then the median of ten.
        var optimizers = new (string Name, TorchSharp.Modules.OptimizerHelper Opt)[]
        {
            ("TorchSharp's Adam", new TorchSharp.Modules.Adam(model.parameters(), 1e-4)),
            ("Adversa's Adam", new Adversa.Training.Adam(model.parameters(), 1e-4)),
        };
        var times = optimizers.Select(_ => new List<double>()).ToArray();
        for (int s = 0; s < 13; s++)
            for (int i = 0; i < optimizers.Length; i++)
            {
                sw.Restart();
                optimizers[i].Opt.step();
                if (s >= 3) times[i].Add(sw.Elapsed.TotalMilliseconds);
            }
        long count = model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        for (int i = 0; i < optimizers.Length; i++)
            Console.WriteLine($"{optimizers[i].Name}: {times[i].Order().ElementAt(times[i].Count / 2):F0} ms per step " +
                              $"(median of {times[i].Count}; {count / 1e6:F1} M trainable parameters)");
        foreach (var (hw, k) in new[] { (1, 3), (2, 3), (4, 3), (1, 1) })
        {
            var conv = nn.Conv2d(512, 512, k, 1, k / 2, bias: false);
            var x = randn(256, 512, hw, hw);
            var t = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) { using var sc = NewDisposeScope(); conv.forward(x).sum().backward(); }
            double fb = t.Elapsed.TotalSeconds / 3;
            t.Restart();
            using (no_grad()) for (int i = 0; i < 3; i++) { using var sc = NewDisposeScope(); conv.forward(x); }
            double fw = t.Elapsed.TotalSeconds / 3;
            t.Restart();
            if (k == 3) for (int i = 0; i < 3; i++) { using var sc = NewDisposeScope(); SmallMapConv.Forward(conv, x, 1).sum().backward(); }
            Console.WriteLine($"conv {k}x{k} 512->512 on {hw}x{hw}, batch 256: forward {fw * 1000:F0} ms, forward+backward {fb * 1000:F0} ms" +
                              (k == 3 && hw == 1 ? $", cropped to its centre tap {t.Elapsed.TotalSeconds / 3 * 1000:F0} ms" : ""));
        }
        foreach (var (crop, name) in new[] { (0, "full 3x3 kernels"), (1, "cropped on 1x1 outputs") })
            Console.WriteLine($"top {top}, {name}: forward {f[crop] / 4 * 1000:F0} ms, backward {b[crop] / 4 * 1000:F0} ms, " +
                              $"optimizer {o[crop] / 4 * 1000:F0} ms (batch 256, bottom {string.Join('x', bottom.shape)})");
    }
}
