using Adversa.Common;
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
    case "gan-loop":
        GanLoop(int.Parse(args.ElementAtOrDefault(1) ?? "64"), int.Parse(args.ElementAtOrDefault(2) ?? "40"), int.Parse(args.ElementAtOrDefault(3) ?? "10"));
        break;
    case "gan-compare":
        GanCompare(int.Parse(args.ElementAtOrDefault(1) ?? "64"), int.Parse(args.ElementAtOrDefault(2) ?? "8"), int.Parse(args.ElementAtOrDefault(3) ?? "8"));
        break;
    case "dann-variants":
        DannVariants(int.Parse(args.ElementAtOrDefault(1) ?? "128"), int.Parse(args.ElementAtOrDefault(2) ?? "10"));
        break;
    case "dann-raw":
        DannRaw(int.Parse(args.ElementAtOrDefault(1) ?? "128"), int.Parse(args.ElementAtOrDefault(2) ?? "30"));
        break;
    case "dann-parts":
        DannParts(int.Parse(args.ElementAtOrDefault(1) ?? "16"), int.Parse(args.ElementAtOrDefault(2) ?? "40"));
        break;
    case "data":
        DataBench(args.ElementAtOrDefault(1) ?? "../shared/data");
        break;
    case "uda":
        UdaBench(int.Parse(args.ElementAtOrDefault(1) ?? "32"), int.Parse(args.ElementAtOrDefault(2) ?? "128"), int.Parse(args.ElementAtOrDefault(3) ?? "10"),
                 args.ElementAtOrDefault(4) == "augment");
        break;
    case "uda-profile":
        UdaProfile(int.Parse(args.ElementAtOrDefault(1) ?? "1"));
        break;
    case "uda-mean":
        UdaMeanImage(int.Parse(args.ElementAtOrDefault(1) ?? "256"), args.ElementAtOrDefault(2) ?? "../shared/data");
        break;
    case "tsne":
        TsneBench(int.Parse(args.ElementAtOrDefault(1) ?? "10000"), int.Parse(args.ElementAtOrDefault(2) ?? "64"));
        break;
    default:
        Console.WriteLine("benchmarks: gan-raw [batch] [steps] | gan-loop [batch] [steps] [gc-every] | gan-compare [batch] [steps-per-block] [rounds] | dann-raw [batch] [steps] | dann-parts [width] [steps] | data [data-root] | tsne [points] [dims] | uda [size] [batch] [steps] [augment] | uda-profile [top-stages] | uda-mean [images] [data-root]");
        break;
}

static void GanRaw(int batch, int steps)
{
    var raw = new RawDcgan(batch);
    raw.Steps(3); // warm-up
    var sw = Stopwatch.StartNew();
    raw.Steps(steps - 3);
    double per = sw.Elapsed.TotalSeconds / (steps - 3);
    Console.WriteLine($"raw DCGAN step, batch {batch}: {per * 1000:F0} ms/step, {batch / per:F1} images/s, threads {get_num_threads()}, peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
}

static void DataBench(string root)
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

static void TsneBench(int n, int d)
{
    // Ten Gaussian clusters with centres drawn at scale 3 (overlapping tails), like class features of a trained network.
    using var g = new Generator(7);
    var centres = randn([10, d], generator: g, dtype: ScalarType.Float64) * 3;
    var x = randn([n, d], generator: g, dtype: ScalarType.Float64) + centres.repeat_interleave(n / 10, 0);
    var result = Adversa.Tsne.BarnesHutTsne.Fit(x, new Adversa.Tsne.TsneOptions(), new PlainProgress(Console.Out));
    var sw = Stopwatch.StartNew();
    double trust = Adversa.Tsne.Trustworthiness.Compute(x, result.Embedding, 5);
    Console.WriteLine($"t-SNE {n} x {d}: {result.Seconds:F1} s (1000 iterations, perplexity 30, theta 0.5, {get_num_threads()} torch threads, {Environment.ProcessorCount} cores); KL {result.KlDivergence:F3}; trustworthiness(k=5) {trust:F4} (computed in {sw.Elapsed.TotalSeconds:F1} s)");
}

/// <summary>The full trainer (data loader, dispose scopes, metrics, memory hygiene) on synthetic faces; RSS every 50 steps.</summary>
static void GanLoop(int batch, int steps, int gcEvery)
{
    using var data = Adversa.Data.Synthetic.SynthFaces.Generate(Math.Max(batch * 4, 512), 1);
    var trainer = new DcganTrainer(data, new GanTrainOptions(new DcganOptions(), Epochs: 1000, Batch: batch));
    var hygiene = new MemoryHygiene(gcEvery);
    var sw = new Stopwatch();
    long step = 0;
    var rss = new List<string>();
    foreach (var b in Enumerable.Range(0, 1000).SelectMany(e => trainer.Batches(e, 0)))
    {
        if (step == 3) sw.Start();
        using (var scope = NewDisposeScope())
        using (b)
            trainer.Step(b, 0, step);
        hygiene.AfterStep();
        if (step % 50 == 0) rss.Add($"{step}:{Runtime.ResidentBytes() / 1e6:F0}");
        if (++step == steps) break;
    }
    double per = sw.Elapsed.TotalSeconds / (steps - 3);
    Console.WriteLine($"trainer DCGAN step, batch {batch}, gc every {gcEvery}: {per * 1000:F0} ms/step, {batch / per:F1} images/s; RSS MB by step {string.Join(' ', rss)}; peak {Runtime.PeakResidentBytes() / 1e6:F0} MB");
}

/// <summary>One DANN step (joint batch of source + target, 32x32) with raw calls, as bench/pytorch/steps.py does it.</summary>
static void DannRaw(int batch, int steps)
{
    manual_seed(1);
    var model = new Adversa.Dann.DannModel();
    var opt = optim.Adam(model.parameters(), 1e-3);
    var xs = rand(batch, 3, 32, 32) * 2 - 1;
    var xt = rand(batch, 3, 32, 32) * 2 - 1;
    var ys = randint(0, 10, [batch]);
    var dl = cat([zeros(batch, dtype: ScalarType.Int64), ones(batch, dtype: ScalarType.Int64)]);
    var hygiene = new MemoryHygiene(10);
    var sw = new Stopwatch();
    for (int s = 0; s < steps + 3; s++)
    {
        if (s == 3) sw.Start();
        using var scope = NewDisposeScope();
        opt.zero_grad();
        var latent = model.Features(cat([xs, xt]));
        var loss = F.cross_entropy(model.ClassLogits(latent.narrow(0, 0, batch)), ys) + F.cross_entropy(model.DomainLogits(latent, 0.3), dl);
        loss.backward();
        opt.step();
        hygiene.AfterStep();
    }
    double per = sw.Elapsed.TotalSeconds / steps;
    Console.WriteLine($"TorchSharp DANN step {batch}+{batch} (32x32), {get_num_threads()} threads: {per * 1000:F0} ms/step, {2 * batch / per:F0} images/s");
}

/// <summary>
/// What a DANN training step (128 + 128 images, 32x32) spends where, in ms per step: fetching both batches from
/// memory and from disk (<c>--cache disk</c>), each augmentation, the GC of the memory hygiene, and the model step.
/// </summary>
static void DannParts(int width, int steps)
{
    const int batch = 128;
    var time = (string what, Action body) =>
    {
        for (int i = 0; i < 3; i++) { using var s = NewDisposeScope(); body(); }
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) { using var s = NewDisposeScope(); body(); }
        double ms = sw.Elapsed.TotalMilliseconds / steps;
        Console.WriteLine($"{what,-44} {ms,8:F2} ms/step");
        return ms;
    };
    var transform = new Adversa.Data.ImageTransform(32, 3, Adversa.Data.Normalization.MinusOneToOne);
    using var memory = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, 20_000, 1);
    using var disk = Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, 20_000, 1).MoveToDisk();
    var fromMemory = new Adversa.Data.DataLoader(memory, batch, transform, seed: 1).Forever().GetEnumerator();
    var fromDisk = new Adversa.Data.DataLoader(disk, batch, transform, seed: 1).Forever().GetEnumerator();
    time("two batches from memory (take + transform)", () => { for (int k = 0; k < 2; k++) { fromMemory.MoveNext(); fromMemory.Current.Dispose(); } });
    time("two batches from disk (read + transform)", () => { for (int k = 0; k < 2; k++) { fromDisk.MoveNext(); fromDisk.Current.Dispose(); } });
    var x = rand(batch, 3, 32, 32) * 2 - 1;
    time("--color-jitter on 128 images", () => Adversa.Data.Augment.ColorJitter(x));
    time("--texture-blend 0.5 on 128 images", () => Adversa.Data.Augment.TextureBlend(x, 0.5));
    time("mean teacher: random affine warp on 128 images", () => Adversa.Data.Augment.RandomAffine(x));
    time("mean teacher: integer shift on 128 images", () => Adversa.Data.Augment.RandomShift(x, 2));
    time("mean teacher: consistency augmentation (both views)", () => { Adversa.Data.Augment.Consistency(x); Adversa.Data.Augment.Consistency(x); });
    var grid = rand(batch, 3, 16, 16);
    time("  its 16x16 -> 32x32 upsampling, matrix form", () => Adversa.Data.Augment.Upsample(grid, 32, 32));
    time("  the same with F.interpolate (bilinear)", () => F.interpolate(grid, [32, 32], mode: InterpolationMode.Bilinear, align_corners: true));
    time("one memory-hygiene GC (the loop: every 10 steps)", () => MemoryHygiene.Run(HygieneMode.Gc));
    manual_seed(1);
    var model = new Adversa.Dann.DannModel(width);
    var opt = optim.Adam(model.parameters(), 1e-3);
    var xt = rand(batch, 3, 32, 32) * 2 - 1;
    var ys = randint(0, 10, [batch]);
    var dl = cat([zeros(batch, dtype: ScalarType.Int64), ones(batch, dtype: ScalarType.Int64)]);
    time($"forward + backward, width {width}", () =>
    {
        var latent = model.Features(cat([x, xt]));
        var loss = F.cross_entropy(model.ClassLogits(latent).narrow(0, 0, batch), ys) + F.cross_entropy(model.DomainLogits(latent, 0.3), dl);
        opt.zero_grad();
        loss.backward();
    });
    time("Adam step", () => opt.step());
}

/// <summary>
/// The improved-UDA trainer at one input size: backbone feature caching (images/s), a frozen-phase step on cached
/// maps and a fine-tuning step through the whole ResNet18 (source + target images/s each), on synthetic digits.
/// With <paramref name="augment"/> (colour jitter and texture blend) the source's bottom maps are computed per step.
/// </summary>
static void UdaBench(int size, int batch, int steps, bool augment)
{
    using var source = Adversa.Adaptation.DomainData.Load("synth-svhn", null, batch * (steps + 4), 0.1, 1);
    using var target = Adversa.Adaptation.DomainData.Load("synth-mnistm", null, batch * (steps + 4), 0.1, 1);
    using var trainer = new Adversa.Uda.UdaTrainer(source, target,
        new Adversa.Uda.UdaOptions("synth-svhn", "synth-mnistm", ImageSize: size, FrozenEpochs: 1, FineTuneEpochs: 1, Batch: batch,
                                   ColorJitter: augment, TextureBlend: augment ? 0.5 : 0), NullProgress.Instance);
    var hygiene = new MemoryHygiene(10);
    double Phase(int epoch, out double firstBatchSeconds)
    {
        var sw = Stopwatch.StartNew();
        using var batches = trainer.Batches(epoch, 0).GetEnumerator();
        batches.MoveNext(); // the frozen epoch computes the feature cache here
        firstBatchSeconds = sw.Elapsed.TotalSeconds;
        var clock = new Stopwatch();
        for (int s = 0; s < steps + 2; s++)
        {
            if (s == 2) clock.Start();
            using (var scope = NewDisposeScope())
            using (var b = batches.Current)
                trainer.Step(b, epoch, epoch * trainer.BatchesPerEpoch + s);
            hygiene.AfterStep();
            if (!batches.MoveNext()) throw new InvalidOperationException("not enough batches");
        }
        return clock.Elapsed.TotalSeconds / steps;
    }
    double frozen = Phase(0, out var cacheSeconds);
    double fine = Phase(1, out _);
    int cached = (augment ? 0 : source.Train.Count) + target.Train.Count;
    Console.WriteLine($"UDA at {size}x{size}{(augment ? ", source augmented (bottom per step)" : "")}, batch {batch}+{batch}, {get_num_threads()} threads: feature cache {cached} images in {cacheSeconds:F1} s ({cached / cacheSeconds:F0} images/s); " +
                      $"frozen step {frozen * 1000:F0} ms ({2 * batch / frozen:F0} images/s); fine-tuning step {fine * 1000:F0} ms ({2 * batch / fine:F0} images/s); peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
}

/// <summary>Where a fine-tuning step's time goes: forward, backward, optimizer, at 32x32 with the top stage(s) trainable.</summary>
static void UdaProfile(int top)
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

/// <summary>
/// Raw DCGAN step vs the full training loop (TrainingLoop.Run with the DCGAN trainer: data loader, dispose scope,
/// metrics, history, progress, memory hygiene), interleaved in one process so that machine drift hits both alike:
/// each round runs a block of raw steps, then one loop epoch of the same number of steps. Step times of the loop
/// are taken between consecutive progress updates, so the epoch-end work (sample grid, loss curve, checkpoint)
/// is excluded; it is reported separately.
/// </summary>
static void GanCompare(int batch, int stepsPerBlock, int rounds)
{
    var raw = new RawDcgan(batch);
    using var data = Adversa.Data.Synthetic.SynthFaces.Generate(batch * stepsPerBlock, 1);
    var trainer = new DcganTrainer(data, new GanTrainOptions(new DcganOptions(), Epochs: rounds + 1, Batch: batch));
    var clock = new StepClock();
    var outDir = Path.Combine(Path.GetTempPath(), $"adversa-gan-compare-{Environment.ProcessId}");
    raw.Steps(2); // warm-up, both sides
    TrainingLoop.Run(trainer, new LoopOptions(1, outDir), clock);
    var rawMs = new List<double>();
    var loopMs = new List<double>();
    var endMs = new List<double>();
    for (int r = 0; r < rounds; r++)
    {
        var sw = Stopwatch.StartNew();
        raw.Steps(stepsPerBlock);
        rawMs.Add(sw.Elapsed.TotalMilliseconds / stepsPerBlock);
        clock.Reset();
        sw.Restart();
        TrainingLoop.Run(trainer, new LoopOptions(r + 2, outDir), clock);
        double total = sw.Elapsed.TotalMilliseconds;
        loopMs.Add(clock.StepMs.Average());
        endMs.Add(total - clock.StepMs.Sum());
        Console.WriteLine($"round {r + 1}/{rounds}: raw {rawMs[^1]:F0} ms/step, loop {loopMs[^1]:F0} ms/step ({loopMs[^1] / rawMs[^1] - 1:+0.0%;-0.0%}), epoch-end work {endMs[^1]:F0} ms");
    }
    Directory.Delete(outDir, true);
    double Median(List<double> v) { var s = v.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
    var ratios = rawMs.Zip(loopMs, (a, b) => b / a - 1).ToList();
    Console.WriteLine($"DCGAN batch {batch}, {rounds} rounds x {stepsPerBlock} steps, {get_num_threads()} threads: raw median {Median(rawMs):F0} ms/step ({batch / Median(rawMs) * 1000:F1} images/s), " +
                      $"training loop median {Median(loopMs):F0} ms/step ({batch / Median(loopMs) * 1000:F1} images/s); loop overhead median {Median(ratios):+0.0%;-0.0%} (rounds: {string.Join(' ', ratios.Select(x => x.ToString("+0.0%;-0.0%")))}); " +
                      $"epoch-end work median {Median(endMs):F0} ms per epoch; peak RSS {Runtime.PeakResidentBytes() / 1e6:F0} MB");
}

/// <summary>Forward+backward time of feature-extractor variants on a joint 2B batch: where the DANN step's time goes.</summary>
static void DannVariants(int batch, int steps)
{
    static TorchSharp.Modules.Sequential Net(int w, bool poolFirst, bool inplace)
    {
        (string, nn.Module<Tensor, Tensor>)[] block1 = poolFirst
            ? [("conv1", nn.Conv2d(3, w, 5, 1, 2)), ("pool1", nn.MaxPool2d(2)), ("bn1", nn.BatchNorm2d(w)), ("act1", nn.LeakyReLU(0.2, inplace))]
            : [("conv1", nn.Conv2d(3, w, 5, 1, 2)), ("bn1", nn.BatchNorm2d(w)), ("act1", nn.LeakyReLU(0.2, inplace)), ("pool1", nn.MaxPool2d(2))];
        return nn.Sequential([.. block1,
            ("conv2", nn.Conv2d(w, 2 * w, 5, 2, 2)), ("bn2", nn.BatchNorm2d(2 * w)), ("act2", nn.LeakyReLU(0.2, inplace)),
            ("conv3", nn.Conv2d(2 * w, 50, 3, 2, 1)), ("bn3", nn.BatchNorm2d(50)), ("act3", nn.LeakyReLU(0.2, inplace)), ("flatten", nn.Flatten()),
            ("fc", nn.Linear(800, 100)), ("bnf", nn.BatchNorm1d(100)), ("relu", nn.ReLU()), ("out", nn.Linear(100, 10))]);
    }
    var x = rand(2 * batch, 3, 32, 32) * 2 - 1;
    var y = randint(0, 10, [2 * batch]);
    foreach (var (label, net) in new (string, TorchSharp.Modules.Sequential)[]
             {
                 ("width 32 (current)", Net(32, false, false)),
                 ("width 32, pool first", Net(32, true, false)),
                 ("width 32, pool first, in-place act", Net(32, true, true)),
                 ("width 16", Net(16, false, false)),
                 ("width 16, pool first", Net(16, true, false)),
             })
    {
        var opt = optim.Adam(net.parameters(), 1e-3);
        var sw = new Stopwatch();
        for (int s = 0; s < steps + 2; s++)
        {
            if (s == 2) sw.Start();
            using var scope = NewDisposeScope();
            opt.zero_grad();
            F.cross_entropy(net.forward(x), y).backward();
            opt.step();
        }
        double per = sw.Elapsed.TotalSeconds / steps;
        Console.WriteLine($"{label,-36} {per * 1000,6:F0} ms per {2 * batch}-image step, {2 * batch / per,6:F0} images/s");
    }
}

/// <summary>
/// The ONNX ResNet18's own preprocessing subtracts a 224x224 mean image; Adversa subtracts its per-channel means
/// (the digits are resized to 32 or 64, not 224). How much that choice moves the pooled features, on MNIST-M
/// images (or synthetic ones without the data): the mean image is read from the package's ResNetPreprocess.onnx.
/// </summary>
static void UdaMeanImage(int count, string root)
{
    var meanImage = Adversa.Backbones.PretrainedResNet.MeanImage(); // BGR, 0-255, as the graph subtracts it
    var channelMeans = meanImage.mean([0, 2, 3]);
    Console.WriteLine($"mean image: channel means B {channelMeans[0].item<float>():F2} G {channelMeans[1].item<float>():F2} R {channelMeans[2].item<float>():F2}; " +
                      $"per-pixel deviation from them: mean |d| {(meanImage - channelMeans.view(1, 3, 1, 1)).abs().mean().item<float>():F2}, max |d| {(meanImage - channelMeans.view(1, 3, 1, 1)).abs().max().item<float>():F2} (0-255 scale)");
    bool real = Directory.Exists(Path.Combine(root, "mnist_m"));
    using var data = real ? Adversa.Adaptation.DomainData.Load("mnistm", root, count, 0.1, 1) : null;
    using var synth = real ? null : Adversa.Data.Synthetic.SynthDigits.Generate(Adversa.Data.Synthetic.DigitStyle.MnistM, count, 1);
    var images = real ? data!.Train.Rows(0, Math.Min(count, data.Train.Count)) : synth!.Images;
    var net = Adversa.Backbones.PretrainedResNet.Load();
    using var noGrad = no_grad();
    foreach (int size in new[] { 224, 64, 32 })
    {
        var bgr = F.interpolate(images.to_type(ScalarType.Float32), [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: size < images.shape[2]).flip(1);
        var mean = Adversa.Backbones.PretrainedResNet.MeanImage(size);
        var byChannel = net.Features(bgr - channelMeans.view(1, 3, 1, 1)).mean([2, 3]);
        var byImage = net.Features(bgr - mean).mean([2, 3]);
        var cosine = F.cosine_similarity(byChannel, byImage, 1);
        var relative = (byChannel - byImage).norm(1) / byImage.norm(1);
        Console.WriteLine($"{count} {(real ? "MNIST-M" : "synthetic MNIST-M-like")} images at {size}x{size}: pooled features with channel means vs the mean image: " +
                          $"cosine mean {cosine.mean().item<float>():F4} (min {cosine.min().item<float>():F4}), relative L2 difference mean {relative.mean().item<float>():F4} (max {relative.max().item<float>():F4})");
    }
}

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

/// <summary>A progress sink that records the time between consecutive step updates of the training loop.</summary>
sealed class StepClock : IProgressSink
{
    readonly Stopwatch _sw = new();
    double _last;
    public List<double> StepMs { get; } = [];
    public void Reset() => StepMs.Clear();
    public void Start(string title, long total, string unit = "step") { _sw.Restart(); _last = 0; }
    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null)
    {
        double now = _sw.Elapsed.TotalMilliseconds;
        if (metrics is not null) StepMs.Add(now - _last); // the loop's first Update (position only, no metrics) starts the clock
        _last = now;
    }
    public void Finish() { }
    public void Log(string message) { }
}
