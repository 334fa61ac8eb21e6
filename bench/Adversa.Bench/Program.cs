using System.Diagnostics;
using Adversa.Gan;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

// Benchmarks, never part of the test run: `dotnet run -c Release --project bench/Adversa.Bench -- <name> [args]`.
var name = args.FirstOrDefault() ?? "help";
switch (name)
{
    case "gan-raw":
        GanRaw(int.Parse(args.ElementAtOrDefault(1) ?? "64"), int.Parse(args.ElementAtOrDefault(2) ?? "20"));
        break;
    default:
        Console.WriteLine("benchmarks: gan-raw [batch] [steps]");
        break;
}

static void GanRaw(int batch, int steps)
{
    manual_seed(1);
    var o = new DcganOptions();
    var g = new DcganGenerator(o);
    var d = new DcganDiscriminator(o);
    var optG = optim.Adam(g.parameters(), 2e-4, 0.5, 0.999);
    var optD = optim.Adam(d.parameters(), 2e-4, 0.5, 0.999);
    var real = rand(batch, 3, 64, 64) * 2 - 1;
    var ones = TorchSharp.torch.ones(batch);
    var zeros = TorchSharp.torch.zeros(batch);
    var sw = new Stopwatch();
    for (int s = 0; s < steps; s++)
    {
        if (s == 3) sw.Start();
        using var scope = NewDisposeScope();
        optD.zero_grad();
        var lossReal = F.binary_cross_entropy_with_logits(d.forward(real), ones);
        var fake = g.forward(randn(batch, o.LatentSize));
        var lossD = lossReal + F.binary_cross_entropy_with_logits(d.forward(fake.detach()), zeros);
        lossD.backward();
        optD.step();
        optG.zero_grad();
        var lossG = F.binary_cross_entropy_with_logits(d.forward(fake), ones);
        lossG.backward();
        optG.step();
        if (s % 10 == 0) { GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect(); }
    }
    double per = sw.Elapsed.TotalSeconds / (steps - 3);
    Console.WriteLine($"raw DCGAN step, batch {batch}: {per * 1000:F0} ms/step, {batch / per:F1} images/s, threads {get_num_threads()}, peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
}
