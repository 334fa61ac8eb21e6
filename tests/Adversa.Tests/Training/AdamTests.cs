using Adversa.Tests.Fixtures;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Adversa.Tests.Training;

public class AdamTests
{
    /// <summary>Two copies of one small network; each step feeds both the same gradients.</summary>
    static (nn.Module, nn.Module) Twins()
    {
        manual_seed(3);
        static nn.Module Net() => nn.Sequential(("conv", nn.Conv2d(2, 3, 3)), ("flat", nn.Flatten()), ("fc", nn.Linear(3, 4)), ("out", nn.Linear(4, 1)));
        var (a, b) = (Net(), Net());
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

    /// <summary>Writes <paramref name="from"/>'s state as a checkpoint does and reads it into <paramref name="to"/>.</summary>
    static void CopyState(OptimizerHelper from, OptimizerHelper to)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) from.save_state_dict(w);
        stream.Position = 0;
        using var r = new BinaryReader(stream);
        to.load_state_dict(r);
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
        TensorAssert.SameState(a, b);
        // The body moved once it had gradients and a learning rate, so the comparison covered both groups.
        var (fresh, _) = Twins();
        Assert.False(TensorAssert.Same(a.state_dict()["conv.weight"], fresh.state_dict()["conv.weight"]));
    }

    /// <summary>
    /// <paramref name="opt"/>'s state, read into a fresh optimizer made by <paramref name="make"/> on a copy of <paramref name="m"/>,
    /// continues the run exactly: one more step each from the same weights and moments gives the same weights.
    /// </summary>
    static void AssertResumesIn(nn.Module m, OptimizerHelper opt, Func<IEnumerable<Parameter>, OptimizerHelper> make)
    {
        var (copy, _) = Twins();
        copy.load_state_dict(m.state_dict());
        using var resumed = make(copy.parameters());
        CopyState(opt, resumed);
        Step(m, opt, 9, bodyHasGradients: true);
        Step(copy, resumed, 9, bodyHasGradients: true);
        TensorAssert.SameState(m, copy);
    }

    [Fact]
    public void AdversasAdamAndTorchSharpsReadEachOthersState()
    {
        var (a, b) = Twins();
        using var ours = new Adversa.Training.Adam(a.parameters(), 1e-2);
        using var reference = new TorchSharp.Modules.Adam(b.parameters(), 1e-2);
        for (int s = 0; s < 3; s++)
        {
            Step(a, ours, s, bodyHasGradients: true);
            Step(b, reference, s, bodyHasGradients: true);
        }
        AssertResumesIn(a, ours, p => new TorchSharp.Modules.Adam(p, 1e-2));
        // And back: TorchSharp's state (a checkpoint written before Adversa had its own Adam) resumes in Adversa's.
        AssertResumesIn(b, reference, p => new Adversa.Training.Adam(p, 1e-2));
    }
}
