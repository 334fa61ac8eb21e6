using Adversa.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Adversa.Tests.Training;

public class AdamTests
{
    /// <summary>Two copies of one small network; each step feeds both the same gradients.</summary>
    static (nn.Module, nn.Module) Twins()
    {
        manual_seed(3);
        var a = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("flat", nn.Flatten()), ("fc", nn.Linear(3, 4)), ("out", nn.Linear(4, 1)));
        var b = nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("flat", nn.Flatten()), ("fc", nn.Linear(3, 4)), ("out", nn.Linear(4, 1)));
        b.load_state_dict(a.state_dict());
        return (a, b);
    }

    static IEnumerable<Parameter> Head(nn.Module m) => m.named_parameters().Where(p => p.name.StartsWith("out")).Select(p => p.parameter);
    static IEnumerable<Parameter> Body(nn.Module m) => m.named_parameters().Where(p => !p.name.StartsWith("out")).Select(p => p.parameter);

    static TorchSharp.Modules.Adam.ParamGroup[] Groups(nn.Module m) =>
    [
        new() { Parameters = Head(m), Options = new() { LearningRate = 1e-2 } },
        new() { Parameters = Body(m), Options = new() { LearningRate = 0 } },
    ];

    static void Step(nn.Module m, OptimizerHelper opt, int seed, bool bodyHasGradients)
    {
        opt.zero_grad();
        foreach (var p in Body(m)) p.requires_grad = bodyHasGradients;
        var x = randn([5, 2, 3, 3], generator: new Generator((ulong)seed));
        ((Sequential)m).forward(x).square().sum().backward();
        opt.step();
    }

    [Fact]
    public void AdversasAdamGivesTorchSharpsNumbersToTheBitWithGroupsFrozenPartsAndLearningRateChanges()
    {
        var (a, b) = Twins();
        using var reference = new TorchSharp.Modules.Adam(Groups(a), 1e-2, 0.5, 0.999);
        using var ours = new Adversa.Training.Adam(Groups(b), 1e-2, beta1: 0.5);
        for (int s = 0; s < 8; s++)
        {
            if (s == 3) foreach (var opt in new OptimizerHelper[] { reference, ours }) opt.ParamGroups.Last().LearningRate = 1e-3;
            Step(a, reference, s, bodyHasGradients: s >= 3);
            Step(b, ours, s, bodyHasGradients: s >= 3);
        }
        var pa = a.state_dict();
        var pb = b.state_dict();
        foreach (var (name, t) in pa)
            Assert.True(t.equal(pb[name]).all().item<bool>(), $"{name} differs between TorchSharp's Adam and Adversa's");
        // The body moved once it had gradients and a learning rate, so the comparison covered both groups.
        var (fresh, _) = Twins();
        Assert.False(pa["conv.weight"].equal(fresh.state_dict()["conv.weight"]).all().item<bool>());
    }

    [Fact]
    public void AdversasAdamAndTorchSharpsReadEachOthersState()
    {
        var (a, b) = Twins();
        using var ours = new Adversa.Training.Adam(a.parameters(), 1e-2);
        for (int s = 0; s < 3; s++) Step(a, ours, s, bodyHasGradients: true);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) ours.save_state_dict(w);
        b.load_state_dict(a.state_dict());
        using var reference = new TorchSharp.Modules.Adam(b.parameters(), 1e-2);
        stream.Position = 0;
        using (var r = new BinaryReader(stream)) reference.load_state_dict(r);
        // One more step each, from the same weights and moments, gives the same weights.
        Step(a, ours, 9, bodyHasGradients: true);
        Step(b, reference, 9, bodyHasGradients: true);
        foreach (var (name, t) in a.state_dict())
            Assert.True(t.equal(b.state_dict()[name]).all().item<bool>(), $"{name} differs after resuming from Adversa's Adam's state");

        // And back: TorchSharp's state (a checkpoint written before Adversa had its own Adam) resumes in Adversa's.
        using var back = new MemoryStream();
        using (var w = new BinaryWriter(back, System.Text.Encoding.UTF8, leaveOpen: true)) reference.save_state_dict(w);
        var (c, _) = Twins();
        c.load_state_dict(b.state_dict());
        using var resumed = new Adversa.Training.Adam(c.parameters(), 1e-2);
        back.Position = 0;
        using (var r = new BinaryReader(back)) resumed.load_state_dict(r);
        Step(b, reference, 10, bodyHasGradients: true);
        Step(c, resumed, 10, bodyHasGradients: true);
        foreach (var (name, t) in b.state_dict())
            Assert.True(t.equal(c.state_dict()[name]).all().item<bool>(), $"{name} differs after resuming from TorchSharp's Adam's state");
    }
}
