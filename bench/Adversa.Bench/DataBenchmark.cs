using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

static class DataBenchmark
{
    public static void Run(string root)
    {
        // Load the native libraries first so their pages are not counted as cache memory.
        using (var warm = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.Svhn, 8, 0)) { }
        GC.Collect();
        long rss0 = Runtime.ResidentBytes();
        var sw = Stopwatch.StartNew();
        using var set = Adversa.Data.DatasetCatalog.Load(new Adversa.Data.DatasetRequest("mnistm", DataRoot: root));
        double load = sw.Elapsed.TotalSeconds;
        long rss1 = Runtime.ResidentBytes();
        Console.WriteLine($"MNIST-M first load: {set.Count:N0} PNGs in {load:F2} s ({set.Count / load:N0} images/s, {Environment.ProcessorCount} cores)");
        Console.WriteLine($"uint8 cache: {set.SizeInBytes / 1e6:F1} MB raw; RSS grew {(rss1 - rss0) / 1e6:F1} MB ({(double)(rss1 - rss0) / set.SizeInBytes:P0} of raw)");
        var loader = new Adversa.Data.DataLoader(set, 128, new Adversa.Data.ImageTransform(32, 3, Adversa.Data.Normalization.MinusOneToOne), seed: 1);
        foreach (var mode in new[] { HygieneMode.None, HygieneMode.Gc, HygieneMode.Trim, HygieneMode.GcAndTrim })
        {
            MemoryHygiene.Run(HygieneMode.GcAndTrim);
            long before = Runtime.ResidentBytes();
            var hygiene = new MemoryHygiene(10, mode);
            sw.Restart();
            long n = 0;
            foreach (var b in loader.Epoch(1)) { n += b.Size; b.Dispose(); hygiene.AfterStep(); }
            Console.WriteLine($"cached epoch, hygiene {mode,-9} every 10 batches: {n / sw.Elapsed.TotalSeconds,8:N0} images/s; RSS {before / 1e6:F0} -> {Runtime.ResidentBytes() / 1e6:F0} MB");
        }
        GC.Collect();
        Console.WriteLine($"baseline RSS {rss0 / 1e6:F0} MB; after load {rss1 / 1e6:F0} MB; after two epochs {Runtime.ResidentBytes() / 1e6:F0} MB; peak {Runtime.PeakResidentBytes() / 1e6:F0} MB");
    }
}
