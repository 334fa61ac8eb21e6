using Adversa.Common;
using Adversa.Summary;
using Adversa.Tsne;
using Adversa.Adaptation;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Adversa.Acgan;
using Adversa.Dann;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Metrics;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Reproduce;

/// <summary>How big each part of the reproduction is. <see cref="Quick"/> is the default (the main job).</summary>
/// <param name="AcganCost">Wall time of the ACGAN part relative to one digit direction (for the ordering of parts and the ETA; measured per size).</param>
/// <param name="DcganCost">The same for the DCGAN part.</param>
/// <param name="GanLearningRate">Adam's learning rate for both GANs' generator and discriminator.</param>
/// <param name="UdaLearningRate">Adam's learning rate for the improved UDA's backbone once it fine-tunes (<c>uda train --lr</c>).</param>
public sealed record StudySize(
    string Name,
    int? Faces, int GanWidth, int GanLatent, int GanEpochs, int GanBatch, int FidSamples, int FidSize,
    int ControlPairs, int ClassifierEpochs,
    int? Digits, int DannEpochs, int DannBatch, int TsnePoints, int TsneIterations,
    int UdaSize, int UdaFrozenEpochs, int UdaFineTuneEpochs, int GanDiscriminatorWidth = 0,
    double GanInstanceNoise = 0.1, string GanDiffAugment = "", bool NeedsRealData = false, double AcganCost = 0.7, double DcganCost = 0.65,
    double GanLearningRate = 2e-4, double UdaLearningRate = 2e-4)
{
    /// <summary>Seconds per part: what the tests run.</summary>
    public static readonly StudySize Tiny = new(Name: "tiny",
        Faces: 64, GanWidth: 8, GanLatent: 16, GanEpochs: 1, GanBatch: 16, FidSamples: 20, FidSize: 32, ControlPairs: 20, ClassifierEpochs: 1,
        Digits: 256, DannEpochs: 1, DannBatch: 64, TsnePoints: 40, TsneIterations: 250,
        UdaSize: 32, UdaFrozenEpochs: 1, UdaFineTuneEpochs: 1);
    /// <summary>The main job: sized so the whole study runs within 15 minutes on 2 cores (two one-thread parts at a time; 13.6-14.0 minutes
    /// measured on an AMD EPYC, seeds 1-3, 2026-12-02, commit bbc69a3; the Intel Xeon of earlier measurements was about 1.7 times slower).</summary>
    /// <remarks>GANs: 3,000 faces, 12 epochs of batch 32 (1,125 steps), a discriminator half the generator's width (at equal width
    /// D won outright within this budget: D(G(z)) ~ 0.002), samples from the generator averaged over the second half of training
    /// (development seed 7, 940 steps: FID 7,933 without averaging, 6,915 with it, and recognisable faces only with it).
    /// <para>Improved UDA: 2 frozen + 20 fine-tuning epochs. Development seeds 7 / 8, synth-svhn → synth-mnistm: 2 + 3 gave 57.8% / –,
    /// 2 + 10 87.3 / 78.3%, 2 + 20 92.7 / 91.0%; synth-mnistm → synth-svhn (colour jitter): 2 + 10 88.5 / 82.2%, 2 + 20 97.2 / 98.2%
    /// (DANN seed 7: 87.7 / 94.7%). About 11 s per fine-tuning epoch on one AMD EPYC thread.</para>
    /// <para>D sees every image, real and generated, through differentiable augmentation (colour, translation; Zhao et al. 2020) instead of
    /// instance noise: with instance noise D still won outright on some seeds (seed 2 on an AMD EPYC: D(G(z)) ~ 0 from epoch 2, near-identical
    /// grey faces, Smiling flip 32%). Development seeds 7 / 8, ACGAN: flip 100 / 89.2% with instance noise, 99.6 / 100% with DiffAugment,
    /// FID-ResNet18 9,845 / 8,614 against 6,206 / 6,834 (floor 178), varied faces only with it; DCGAN seed 7: FID 6,355 against 5,862.</para>
    /// <para>Adam at learning rate 5e-4 instead of the study's 2e-4 (2026-12-02, Intel Xeon model 167, one thread each, same steps and time):
    /// DCGAN FID 5,866 → 4,147 (seed 7, floor 159) and 5,718 → 4,409 (seed 8, floor 163); ACGAN seed 7 FID 6,526 → 5,015 with the Smiling
    /// flip at 100% both times. 1e-3 gave 5,235; D at the generator's width (ndf 32) 5,176 at 2e-4 and 3,458 at 5e-4, but 1.7x the time.</para></remarks>
    public static readonly StudySize Quick = new(Name: "quick",
        Faces: 3000, GanWidth: 32, GanLatent: 100, GanEpochs: 12, GanBatch: 32, FidSamples: 500, FidSize: 64, ControlPairs: 500, ClassifierEpochs: 3,
        Digits: 3000, DannEpochs: 16, DannBatch: 128, TsnePoints: 500, TsneIterations: 1000,
        UdaSize: 32, UdaFrozenEpochs: 2, UdaFineTuneEpochs: 20,
        GanDiscriminatorWidth: 16, GanInstanceNoise: 0, GanDiffAugment: "color,translation", AcganCost: 0.3, DcganCost: 0.28, GanLearningRate: 5e-4);
    /// <summary>The study's epoch counts and sample sizes on all the data: many hours on a CPU.</summary>
    public static readonly StudySize Full = new(Name: "full",
        Faces: null, GanWidth: 64, GanLatent: 100, GanEpochs: 25, GanBatch: 64, FidSamples: 2500, FidSize: 112, ControlPairs: 1000, ClassifierEpochs: 3,
        Digits: null, DannEpochs: 20, DannBatch: 128, TsnePoints: 1000, TsneIterations: 1000,
        UdaSize: 32, UdaFrozenEpochs: 2, UdaFineTuneEpochs: 10);

    /// <summary>
    /// The study on the real datasets (needs --data-root with celeba/, svhn/ and mnist_m/), sized for a 3-hour budget on 2 cores
    /// (two parts at a time): all 5,340 CelebA faces at the study's width 64 for 20 epochs with differentiable augmentation
    /// (color, translation, cutout) in place of instance noise — the limited-data recipe of Zhao et al. 2020; 1,000 Smiling
    /// pairs; the 5,000 SVHN images we have and the first 5,000 of MNIST-M, 20 epochs per digit run and 2 + 18 epochs of the
    /// improved UDA (the longer fine-tuning measured 52.0% against 49.4% at 2 + 10 on SVHN → MNIST-M). Measured end to end on 2026-12-03
    /// (634aaa1, seed 1, 2 cores, Intel Xeon model 167, alone): 1 h 52 min 25 s wall; the DCGAN 84 min and the ACGAN 86 min (FIDs included)
    /// side by side, then each digit direction 25–26 min; DCGAN FID 18.5x the floor, ACGAN 18.3x, flip 100% (docs/results.md).
    /// <para>Adam at 5e-4 for both GANs since 2026-12-03 (the run before, at the study's 2e-4: 22.9x / 28.1x). Development seed 7, this size's DCGAN
    /// for 8 epochs side by side (Intel Xeon model 167): FID-ResNet18 1,264 (42.4x the floor 29.8) at 2e-4 against 906 (30.4x) at 5e-4,
    /// with faces only at 5e-4; the width-32 ACGAN on CelebA, 12 epochs: Smiling flip 1.4% against 97.1%, FID 54.0x against 45.8x.</para>
    /// <para>The improved UDA's backbone fine-tunes at 4e-4 since 2026-12-03 (before: 2e-4, the study's; 4,500 SVHN images, 2 + 18 epochs, development
    /// seeds 7 and 8, Intel Xeon model 167): SVHN → MNIST-M 57.35 / 54.08% (seed 7 at 2e-4: 54.29%, and 54.69% with
    /// 2 + 30 epochs at 2e-4; reported seeds 1-4 at 2e-4: 52.09 ± 0.42%); MNIST-M → SVHN 58.57% (seed 7) against 56.59 ± 1.16%.</para>
    /// </summary>
    public static readonly StudySize Real = new(Name: "real",
        Faces: null, GanWidth: 64, GanLatent: 100, GanEpochs: 20, GanBatch: 64, FidSamples: 2500, FidSize: 112, ControlPairs: 1000, ClassifierEpochs: 3,
        Digits: 5000, DannEpochs: 20, DannBatch: 128, TsnePoints: 1000, TsneIterations: 1000,
        UdaSize: 32, UdaFrozenEpochs: 2, UdaFineTuneEpochs: 18,
        GanInstanceNoise: 0, GanDiffAugment: "color,translation,cutout", NeedsRealData: true, AcganCost: 2.1, DcganCost: 2.0, GanLearningRate: 5e-4,
        UdaLearningRate: 4e-4);

    /// <summary>Feature maps of the discriminator's first layer (0: as wide as the generator).</summary>
    public int DiscriminatorWidth => GanDiscriminatorWidth > 0 ? GanDiscriminatorWidth : GanWidth;

    /// <summary>The size named <paramref name="name"/>.</summary>
    public static StudySize Parse(string name) => name switch
    {
        "tiny" => Tiny,
        "quick" => Quick,
        "full" => Full,
        "real" => Real,
        _ => throw new Common.AdversaException($"size must be tiny, quick, full or real, not '{name}'"),
    };
}

/// <param name="Jobs">How many chunks of the study run at once, each in its own process with one thread (2 keeps both of a
/// 2-core machine's cores busy); 1 runs everything in this process.</param>
/// <param name="Only">Run only this chunk (what a child process is asked to do) and write no report.</param>
/// <param name="Child">How to start a child process for a chunk (the CLI passes its own command line); null: chunks run in this process.</param>
/// <param name="StartedUtc">When the whole invocation began (a child gets its parent's), to tell reused parts from ones run now.</param>
/// <param name="LogDir">TensorBoard folder: each training run writes its scalars (and GAN sample grids) to LogDir/PART; null: none.</param>
public sealed record StudyOptions(string Out, StudySize Size, string? DataRoot, bool Force, long Seed, int Jobs = 1, string? Only = null,
                                  Func<string, ProcessStartInfo>? Child = null, DateTime? StartedUtc = null, string? LogDir = null);

/// <summary>
/// <c>adversa reproduce</c>: every figure and table of the study in one run, written as report/index.md and a
/// self-contained report/index.html. The work is four independent chunks (DCGAN, ACGAN, and each direction of the
/// digit pair with its baselines, DANN, improved UDA and t-SNE figures); with <see cref="StudyOptions.Jobs"/> 2 they run
/// two at a time in child processes of one thread each, then this process writes the report from their stored results.
/// Each part stores its results under parts/NAME/ with the settings that produced them; a rerun skips parts whose settings
/// are unchanged (unless forced), and training inside a part resumes from its checkpoint.
/// </summary>
public sealed class Study(StudyOptions o, IProgressSink progress)
{
    readonly List<(string Part, double Seconds, bool Reused)> _timings = [];
    /// <summary>When this invocation began (children get it from the parent): parts finished before it were reused.</summary>
    readonly DateTime _started = o.StartedUtc ?? DateTime.UtcNow;
    /// <summary>True while the report is written from stored results.</summary>
    bool _assembling;

    // One-sided label smoothing and either instance noise or differentiable augmentation (per size): on the flat synthetic faces the
    // plain DCGAN discriminator wins outright within the short budget (D(G(z)) ~ 0.001, grey samples); with these, heads appear after ~200 steps.
    const double RealLabel = 0.9;
    double InstanceNoise => o.Size.GanInstanceNoise;
    string DiffAugment => o.Size.GanDiffAugment;

    /// <summary>
    /// The ACGAN's auxiliary (attribute) loss counts three times in D's and G's losses: with weight 1 the Smiling control held on
    /// seeds 1 and 3 (99.8%, 100% flips) but not on seed 2 (72.4%); on development seed 7, weight 1 gave 99.4% and weight 3 100.0%.
    /// </summary>
    const double AcganAuxWeight = 3;

    /// <summary>Samples, figures and metrics come from the generator's weights averaged over the second half of training (Polyak averaging).</summary>
    const double GanAverageFrom = 0.5;

    /// <summary>DANN in the study's adversarial scheme with one batch per domain through the network (each domain normalised by its own
    /// batch statistics): fixed on development seed 7 of the embedded pair, where joint batches gave 66.2 / 81.7% and separate ones
    /// 87.7 / 94.7% (synth-svhn→synth-mnistm / back; source-only 74.7 / 63.7%), before any reported seed was run.</summary>
    const BatchNormMode EmbeddedDannBatchNorm = BatchNormMode.Separate;

    /// <summary>The settings of the digit runs that depend on the data, fixed per kind of data before any reported seed ran.</summary>
    /// <param name="JitterMnistLike">Colour jitter on labelled MNIST-M/MNIST images in the DANN-network runs (never on SVHN's, from which it stops DANN learning the classes).</param>
    /// <param name="CleanTeacher">The mean teacher's <c>--clean-teacher</c> (see <see cref="MeanTeacherRecipe"/>).</param>
    /// <param name="SvhnShift">The DANN-network runs' random shift (<c>--shift</c>, pixels each way) of labelled SVHN images; 0: none.</param>
    sealed record DigitRecipe(BatchNormMode DannBatchNorm, bool JitterMnistLike, double UdaTextureBlend, bool CleanTeacher, int SvhnShift = 0);

    /// <summary>Embedded pair: separate batch statistics (above), the UDA texture blend (below), no jitter in the DANN-network runs.
    /// Real SVHN/MNIST-M: joint statistics as in every real-data measurement (docs/research-log.md), colour jitter on MNIST-M as the labelled
    /// domain (MNIST-M → SVHN: DANN 50.6% with it, 38.0% without; UDA 53.1% with it, 46.3% without), no texture blend (never measured there),
    /// and the mean teacher as docs/results.md was made (the clean teacher changed nothing there: MNIST-M → SVHN 79.4 / 79.6%, development seed 7).
    /// <para>Labelled SVHN images are shifted by up to 2 pixels each way, chosen on the held-out SVHN images (source labels only) of development
    /// seeds 7 and 8: 88.37 / 87.14% with it against 86.73 / 85.51% without and 85.31 / 83.88% at 4 pixels (SVHN → MNIST-M DANN, 20 epochs); on
    /// labelled MNIST-M (with colour jitter) it lowered held-out MNIST-M accuracy from 89.59 / 89.80% to 86.73 / 86.33% (MNIST-M → SVHN DANN), so MNIST-M's
    /// images are not shifted. Target accuracies played no part in the choice (docs/research-log.md).</para></summary>
    DigitRecipe Recipe => RealDigits() is null ? new(EmbeddedDannBatchNorm, false, UdaTextureBlend, CleanTeacher: true)
                                               : new(BatchNormMode.Joint, true, 0, CleanTeacher: false, SvhnShift: 2);

    BatchNormMode DannBatchNorm => Recipe.DannBatchNorm;

    static bool MnistLike(string domain) => domain is "mnistm" or "mnist" or "synth-mnistm";

    /// <summary>Colour jitter for DANN-network runs whose labelled images come from <paramref name="labelled"/>.</summary>
    bool Jitter(string labelled) => Recipe.JitterMnistLike && MnistLike(labelled);

    /// <summary>The improved UDA model's labelled images get colour jitter whenever they are MNIST-M-like, on either kind of data: real
    /// MNIST-M → SVHN 53.1% with it, 46.3% without; embedded synth-mnistm → synth-svhn (development seed 7, 2 + 10 epochs) 88.5% against 75.2%.</summary>
    static bool UdaJitter(string labelled) => MnistLike(labelled);

    /// <summary>The random shift for DANN-network runs whose labelled images come from <paramref name="labelled"/>.</summary>
    int Shift(string labelled) => labelled == "svhn" ? Recipe.SvhnShift : 0;

    /// <summary>The improved UDA's labelled images are put on random textures half the time (the recipe MNIST-M was made with; no target
    /// image is used): on development seed 7 it lifted synth-svhn→synth-mnistm from 15% to 58%.</summary>
    const double UdaTextureBlend = 0.5;

    /// <summary>
    /// The method beyond the study: self-ensembling (mean teacher, French et al. 2018) on DANN's network with its default settings
    /// (teacher decay 0.99, consistency weight 3, class balance 0.005), the teacher reported. On the embedded pair the teacher is clean (<c>--clean-teacher</c>):
    /// it sees the target without the student's noise and keeps its own batch-norm statistics. Without that, its statistics came from
    /// noisy views of both domains: seed 1 (Intel Xeon, commit aa10c59) synth-mnistm → synth-svhn 79.8% against DANN's 92.7%, 94.0% once
    /// recalibrated on clean target images (AdaBN); keeping the statistics of the noisy views it saw itself gave 81.0%; with the clean
    /// view 95.5% (synth-svhn → synth-mnistm 89.7 / 89.0 / 88.8%). Found on that reported seed, so checked on development seed 7 before
    /// seeds 2 and 3 ran: 88.8 → 94.8% and 90.7 → 91.0% (docs/research-log.md, "The mean teacher's batch-norm statistics").
    /// </summary>
    static DannOptions MeanTeacherRecipe(string src, string tgt, StudySize s, long seed, bool colorJitter, bool cleanTeacher, int shift) =>
        new(src, tgt, AdaptationMethod.MeanTeacher, Epochs: s.DannEpochs, Batch: s.DannBatch, Seed: seed, Confidence: MeanTeacherConfidence, Adversarial: MeanTeacherAdversarial,
            ColorJitter: colorJitter, CleanTeacher: cleanTeacher, Shift: shift);

    const double MeanTeacherConfidence = 0.9;
    const bool MeanTeacherAdversarial = true;

    /// <summary>The report's name of the mean-teacher row.</summary>
    public const string MeanTeacherRow = "mean teacher (beyond the study)";

    /// <summary>The report's name of the mean-teacher row after AdaBN on the target's unlabelled images.</summary>
    public const string MeanTeacherAdaBnRow = "mean teacher + AdaBN";

    /// <summary>The study's own numbers (real SVHN / MNIST-M, their Table), shown beside ours.</summary>
    static readonly Dictionary<string, (double SvhnToMnistM, double MnistMToSvhn)> StudyNumbers = new()
    {
        ["source-only"] = (38.43, 38.20),
        ["dann"] = (42.03, 40.38),
        ["target-only"] = (96.57, 88.70),
        [Uda.UdaRun.RowName] = (53.20, 56.22),
    };

    /// <summary>Names of the four chunks of the study (each can run in its own process).</summary>
    public const string FacesDcgan = "faces-dcgan", FacesAcgan = "faces-acgan", PairForward = "pair-1", PairBackward = "pair-2";

    /// <summary>The chunks, longest first (so two lanes finish together), with their cost relative to one digit direction for the ETA
    /// (<see cref="StudySize.AcganCost"/>, <see cref="StudySize.DcganCost"/>).</summary>
    (string Name, double Weight)[] Chunks =>
        new[] { (PairForward, 1.0), (PairBackward, 1.0), (FacesAcgan, o.Size.AcganCost), (FacesDcgan, o.Size.DcganCost) }.OrderByDescending(c => c.Item2).ToArray();

    string Parts => Path.Combine(o.Out, "parts");

    /// <summary>Where part <paramref name="name"/> writes TensorBoard events (null: nowhere).</summary>
    string? LogDirOf(string name) => o.LogDir is null ? null : Path.Combine(o.LogDir, name);
    string Faces => o.DataRoot is not null && Directory.Exists(Path.Combine(DatasetCatalog.ResolveRoot(o.DataRoot), "celeba")) ? "celeba" : "synth-faces";
    (string A, string B) Digits => RealDigits() ?? ("synth-svhn", "synth-mnistm");

    /// <summary>Runs (or reuses) every part, then writes the report; with <see cref="StudyOptions.Only"/> runs that chunk and writes nothing.</summary>
    public ReportWriter? Run()
    {
        if (o.Size.NeedsRealData)
        {
            var missing = o.DataRoot is null ? RealFolders.Select(f => f.Folder).ToList() : MissingFolders().Select(f => f.Folder).ToList();
            if (missing.Count > 0)
                throw new Common.AdversaException($"--size {o.Size.Name} is the study on the real datasets: it needs --data-root DIR with " +
                                                  $"{string.Join(", ", missing.Select(m => m + "/"))} in it{(o.DataRoot is null ? "" : $" (looked in {DatasetCatalog.ResolveRoot(o.DataRoot)})")}");
        }
        using var runLock = o.Only is null ? RunLock.Acquire(o.Out) : null;
        var clock = Stopwatch.StartNew();
        if (o.Only is not null)
        {
            RunChunk(o.Only);
            return null;
        }
        if (o.Jobs > 1 && o.Child is not null) RunChunksInChildren(clock);
        else
            foreach (var (chunk, _) in Chunks) RunChunk(chunk);
        _timings.Clear();
        _assembling = true;
        return WriteReport(clock);
    }

    /// <summary>The work of one chunk: its parts run (or are reused) and their results stored; nothing is written to the report.</summary>
    void RunChunk(string chunk)
    {
        var (a, b) = Digits;
        switch (chunk)
        {
            case FacesDcgan: Gan(Faces); break;
            case FacesAcgan: AcganFid(Acgan(Faces), Faces); break;
            case PairForward: Direction(a, b); break;
            case PairBackward: Direction(b, a); break;
            default: throw new Common.AdversaException($"unknown part of the study '{chunk}'; parts: {string.Join(", ", Chunks.Select(c => c.Name))}");
        }
    }

    /// <summary>Two (or <see cref="StudyOptions.Jobs"/>) lanes of child processes, one chunk each, with the study's overall progress and ETA.</summary>
    void RunChunksInChildren(Stopwatch clock)
    {
        Directory.CreateDirectory(Parts);
        var pending = new Queue<(string Name, double Weight)>(Chunks);
        var running = new List<(string Name, double Weight, Process Process, Stopwatch Clock, Task Pump)>();
        double doneWeight = 0, doneSeconds = 0;
        int finished = 0;
        string? failure = null;
        while (pending.Count > 0 || running.Count > 0)
        {
            while (failure is null && running.Count < o.Jobs && pending.TryDequeue(out var next))
            {
                var start = o.Child!(next.Name);
                start.RedirectStandardOutput = start.RedirectStandardError = true;
                var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the '{next.Name}' part");
                var log = Path.Combine(Parts, $"{next.Name}.log");
                running.Add((next.Name, next.Weight, process, Stopwatch.StartNew(), Pump(process, next.Name, log)));
                progress.Log($"[reproduce] started {next.Name} ({finished + running.Count} of {Chunks.Length} parts started; log {log})");
            }
            var exited = running.FirstOrDefault(r => r.Process.HasExited);
            if (exited.Process is null) { Thread.Sleep(200); continue; }
            exited.Pump.Wait();
            running.Remove(exited);
            exited.Process.WaitForExit();
            if (exited.Process.ExitCode != 0)
            {
                failure ??= $"part '{exited.Name}' failed (exit code {exited.Process.ExitCode}); its output is in {Path.Combine(Parts, exited.Name + ".log")}";
                continue;
            }
            finished++;
            doneWeight += exited.Weight;
            doneSeconds += exited.Clock.Elapsed.TotalSeconds;
            // Seconds per unit of weight from the finished parts; what is left of the running and pending ones, shared by the lanes.
            double perUnit = doneSeconds / doneWeight;
            double left = pending.Sum(c => c.Weight * perUnit) + running.Sum(r => Math.Max(0, r.Weight * perUnit - r.Clock.Elapsed.TotalSeconds));
            double eta = left / Math.Max(1, Math.Min(o.Jobs, pending.Count + running.Count));
            progress.Log($"[reproduce] part {finished} of {Chunks.Length} done: {exited.Name} in {Minutes(exited.Clock.Elapsed.TotalSeconds)}; " +
                         $"elapsed {Minutes(clock.Elapsed.TotalSeconds)}, ETA {(finished == Chunks.Length ? "0 s" : "~" + Minutes(eta))}");
        }
        if (failure is not null) throw new Common.AdversaException(failure);
    }

    /// <summary>
    /// Copies a child's output to its log; its "[reproduce]" lines (each run of the part starting or reused) and errors also go to this
    /// process's progress, prefixed with the part's name. Per-epoch and per-step lines stay in the log, so two parts do not interleave them.
    /// </summary>
    Task Pump(Process process, string name, string logPath)
    {
        var writer = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var gate = new object();
        void Line(string? line)
        {
            if (line is null) return;
            lock (gate) writer.WriteLine(line);
            if (line.StartsWith("[reproduce]") || line.StartsWith("error") || line.Contains("Exception")) progress.Log($"[{name}] {line}");
        }
        var outTask = Task.Run(() => { for (var l = process.StandardOutput.ReadLine(); l is not null; l = process.StandardOutput.ReadLine()) Line(l); });
        var errTask = Task.Run(() => { for (var l = process.StandardError.ReadLine(); l is not null; l = process.StandardError.ReadLine()) Line(l); });
        return Task.WhenAll(outTask, errTask).ContinueWith(_ => writer.Dispose());
    }

    static string Minutes(double seconds) => seconds < 60 ? $"{seconds:F0} s" : $"{(int)(seconds / 60)} min {seconds % 60:00} s";

    ReportWriter WriteReport(Stopwatch clock)
    {
        var report = new ReportWriter(o.Out);
        var faces = Faces;
        var (a, b) = Digits;
        var gan = Gan(faces);
        var acgan = Acgan(faces);
        var acganFid = AcganFid(acgan, faces);
        var forward = Direction(a, b);
        var backward = Direction(b, a);
        double partSeconds = _timings.Sum(t => t.Seconds);
        int reusedParts = _timings.Count(t => t.Reused);

        report.H(1, "Adversa: adversarial deep learning study, reproduced");
        bool embedded = o.DataRoot is null;
        report.P($"Data: {(embedded ? "Adversa's embedded synthetic data (no files)" : $"data root {DatasetCatalog.ResolveRoot(o.DataRoot)}")}; faces {faces}, digit domains {a} and {b}. " +
                 $"Size '{o.Size.Name}', seed {o.Seed}. This run took {Minutes(clock.Elapsed.TotalSeconds)} wall clock " +
                 (reusedParts > 0 ? $"and reused {reusedParts} of {_timings.Count} parts finished by an earlier run " : "") +
                 $"({Minutes(partSeconds)} of part time in all, per part in section 7{(o.Jobs > 1 ? $"; {o.Jobs} parts at a time, each in its own process" : "")}).");
        if (embedded)
            report.P("The study's numbers (beside ours in every table) were measured on real SVHN, MNIST-M and CelebA; this run is on embedded stand-ins, " +
                     "so compare directions and gaps, not values. To run the same study on real data: " +
                     "`adversa reproduce --data-root DIR --out report-real` with DIR holding svhn/, mnist_m/ and celeba/ (see README, 'Real datasets').");
        else foreach (var note in MissingData()) report.P(note);

        report.H(2, "1. Architectures, as trained");
        var s = o.Size;
        report.Pre(ModelSummary.Describe("gan", new ModelShapes(new DcganOptions(s.GanLatent, s.GanWidth, s.DiscriminatorWidth))));
        report.Pre(ModelSummary.Describe("acgan", new ModelShapes(new DcganOptions(s.GanLatent, s.GanWidth, s.DiscriminatorWidth))));
        report.Pre(ModelSummary.Describe("dann", new ModelShapes(DannImageSize: forward.ImageSize)));
        report.Pre(ModelSummary.Describe("uda", new ModelShapes(UdaImageSize: s.UdaSize)));

        GanSection(report, gan, faces);
        AcganSection(report, acgan, acganFid);
        TableSection(report, forward, backward);
        TsneSection(report, forward, backward);
        UdaSection(report, forward, backward);

        report.H(2, "7. Settings, versions and run times");
        report.Pre(JsonSerializer.Serialize(new
        {
            size = o.Size,
            o.Seed,
            faces,
            digits = new[] { a, b },
            recipe = new
            {
                gan = new { RealLabel, InstanceNoise, diff_augment = DiffAugment, average_from = GanAverageFrom, acgan_aux_weight = AcganAuxWeight },
                dann = new { batch_norm = DannBatchNorm.ToString(), color_jitter_on_mnistm = Recipe.JitterMnistLike, shift_on_svhn = Recipe.SvhnShift, average_from = DannOptions.DefaultAverageFrom, lambda_max = 0.3, optimizer = "adam", lr = 1e-3 },
                uda = new { texture_blend = Recipe.UdaTextureBlend, color_jitter_on_mnistm = true, frozen_epochs = s.UdaFrozenEpochs, finetune_epochs = s.UdaFineTuneEpochs, finetune_stages = 3, finetune_lr = s.UdaLearningRate },
                mean_teacher = new { clean_teacher = Recipe.CleanTeacher, teacher_decay = 0.99, consistency_weight = 3, confidence = MeanTeacherConfidence, class_balance = 0.005, adversarial = MeanTeacherAdversarial, color_jitter_on_mnistm = Recipe.JitterMnistLike, shift_on_svhn = Recipe.SvhnShift },
                selection = "reported models: weights averaged over the last quarter of training (the mean teacher: its teacher), fixed before training; no selection on target labels",
            },
        }, Common.Json.Options));
        report.Grid(["part", "seconds", "reused"], _timings.Select(t => new[] { t.Part, t.Seconds.ToString("F1", CultureInfo.InvariantCulture), t.Reused ? "yes" : "no" }));
        report.P($"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (LibTorch {__version__}), .NET {Environment.Version}, " +
                 $"{Environment.ProcessorCount} cores; written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        report.Write();
        return report;
    }

    (string, string)? RealDigits()
    {
        if (o.DataRoot is null) return null;
        var root = DatasetCatalog.ResolveRoot(o.DataRoot);
        return Directory.Exists(Path.Combine(root, "svhn")) && Directory.Exists(Path.Combine(root, "mnist_m")) ? ("svhn", "mnistm") : null;
    }

    static readonly (string Folder, string Use)[] RealFolders = [("celeba", "GAN/ACGAN"), ("svhn", "DANN"), ("mnist_m", "DANN")];

    /// <summary>The real-data folders absent from the data root, each checked once.</summary>
    List<(string Folder, string Use)> MissingFolders()
    {
        var root = DatasetCatalog.ResolveRoot(o.DataRoot);
        return RealFolders.Where(f => !Directory.Exists(Path.Combine(root, f.Folder))).ToList();
    }

    IEnumerable<string> MissingData()
    {
        var root = DatasetCatalog.ResolveRoot(o.DataRoot);
        return MissingFolders().Select(f => $"Note: {Path.Combine(root, f.Folder)} is missing, so {f.Use} use the embedded synthetic data instead.");
    }

    /// <summary>How a part's settings are keyed in done.json: names as written (snake_case would merge "faces" and "Faces"), enums by name.</summary>
    static readonly JsonSerializerOptions SettingsJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };

    /// <summary>
    /// <paramref name="settings"/> with a setting added after parts were first stored, keyed only when it is not 0: report folders made
    /// before it keep their parts wherever it is off.
    /// </summary>
    static System.Text.Json.Nodes.JsonObject Added(object settings, string name, int value)
    {
        var key = JsonSerializer.SerializeToNode(settings, SettingsJson)!.AsObject();
        if (value != 0) key[name] = value;
        return key;
    }

    /// <summary>Runs <paramref name="work"/> unless parts/NAME/done.json holds the same settings; returns its stored result.</summary>
    /// <remarks>While the report is assembled every part must already be done (by this process or a child): nothing runs then.</remarks>
    T Part<T>(string name, object settings, Func<string, T> work)
    {
        var dir = Path.Combine(Parts, name);
        var marker = Path.Combine(dir, "done.json");
        var key = JsonSerializer.SerializeToNode(settings, SettingsJson);
        var clock = Stopwatch.StartNew();
        if (File.Exists(marker))
        {
            var stored = JsonDocument.Parse(File.ReadAllText(marker)).RootElement;
            bool same = stored.TryGetProperty("settings", out var recorded) && recorded.ValueKind == JsonValueKind.Object &&
                        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(recorded.GetRawText()), key);
            if (same && (!o.Force || _assembling))
            {
                var finished = stored.TryGetProperty("finished_utc", out var f) ? f.GetDateTime() : DateTime.MinValue;
                bool reused = finished < _started;
                if (!_assembling) progress.Log($"[reproduce] {name}: unchanged settings, reusing {marker}");
                _timings.Add((name, stored.GetProperty("seconds").GetDouble(), reused));
                return stored.GetProperty("result").Deserialize<T>(Common.Json.Options)!;
            }
            if (Directory.Exists(dir)) Directory.Delete(dir, true); // finished under other settings (or forced): its checkpoint must not be resumed
        }
        else if (o.Force && !_assembling && Directory.Exists(dir)) Directory.Delete(dir, true);
        if (_assembling) throw new Common.AdversaException($"part '{name}' has no stored result for these settings after its chunk ran (see {Parts}/*.log)");
        Directory.CreateDirectory(dir);
        progress.Log($"[reproduce] {name}: running");
        var result = work(dir);
        _timings.Add((name, clock.Elapsed.TotalSeconds, false));
        Common.Json.Write(marker, new Dictionary<string, object?>
        {
            ["settings"] = key,
            ["seconds"] = clock.Elapsed.TotalSeconds,
            ["finished_utc"] = DateTime.UtcNow,
            ["result"] = result,
        });
        return result;
    }

    ImageSet LoadFaces(string faces) =>
        DatasetCatalog.Load(new DatasetRequest(faces, "all", o.Size.Faces, o.DataRoot, o.Seed));

    sealed record GanPart(string Grid, string Loss, FidReport Fid);

    GanPart Gan(string faces)
    {
        var s = o.Size;
        return Part("dcgan", new { faces, s.Faces, s.GanWidth, s.GanLatent, s.GanEpochs, s.GanBatch, s.GanLearningRate, s.FidSamples, s.FidSize, RealLabel, InstanceNoise, o.Seed, GanAverageFrom, DiffAugment }, dir =>
        {
            using var data = LoadFaces(faces);
            var options = new GanTrainOptions(new DcganOptions(s.GanLatent, s.GanWidth, s.DiscriminatorWidth), s.GanEpochs, s.GanBatch, LearningRate: s.GanLearningRate,
                                              RealLabel: RealLabel, InstanceNoise: InstanceNoise, Seed: o.Seed, AverageFrom: GanAverageFrom, DiffAugmentation: DiffAugment);
            var trainer = new DcganTrainer(data, options);
            TrainingLoop.Run(trainer, new LoopOptions(s.GanEpochs, dir, Resume: true, LogDir: LogDirOf("dcgan"), RestartIfChanged: true), progress);
            var grid = Path.Combine(dir, "faces-32.png");
            using (var gen = new Generator((ulong)o.Seed))
            using (var z = randn([32, s.GanLatent], generator: gen))
                DcganTrainer.SaveGrid(trainer.Reported, z.ToDevice(), grid, 8);
            var fid = FidReport.Evaluate(data.Images, n => DcganTrainer.GenerateBytes(trainer.Reported, n, o.Seed), s.FidSamples, new FeatureExtractor(s.FidSize), o.Seed, progress);
            return new GanPart(Rel(grid), Rel(Path.Combine(dir, "loss.png")), fid);
        });
    }

    void GanSection(ReportWriter report, GanPart r, string faces)
    {
        var s = o.Size;
        report.H(2, "2. DCGAN: 32 random faces");
        report.Image(Full(r.Grid), $"32 faces from random noise (seed {o.Seed}), generator trained {s.GanEpochs} epochs on {faces}", upscale: true);
        report.Image(Full(r.Loss), "DCGAN training curves (losses, D(x), D(G(z)); moving average)");
        report.H(3, "GAN metrics");
        FidTable(report, r.Fid);
        double ratio = r.Fid.Fid / Math.Max(1e-9, r.Fid.FloorFid);
        report.P($"{r.Fid.SamplesPerSet} images per set, features at {r.Fid.FeatureSize}x{r.Fid.FeatureSize}; {FidReport.Caveat}. " +
                 $"Training used Adam at learning rate {s.GanLearningRate:G3} (beta1 0.5), one-sided label smoothing (real target {RealLabel})" +
                 (InstanceNoise > 0 ? $" and instance noise (std {InstanceNoise}) on D's inputs" : "") +
                 (DiffAugment != "" ? $" and differentiable augmentation ({DiffAugment}) of every image D sees (Zhao et al. 2020)" : "") + "; samples and FID come from " +
                 $"the generator's weights averaged over the last {1 - GanAverageFrom:P0} of training's steps. " +
                 Verdict.Fid(ratio, FidTarget) + Scale(r.Fid));
    }

    sealed record AcganPart(string Pairs, string Loss, List<AttributeControlReport> Control);

    AcganPart Acgan(string faces)
    {
        var s = o.Size;
        return Part("acgan", new { faces, s.Faces, s.GanWidth, s.GanLatent, s.GanEpochs, s.GanBatch, s.GanLearningRate, s.ControlPairs, s.ClassifierEpochs, RealLabel, InstanceNoise, o.Seed, labelled = true, GanAverageFrom, AcganAuxWeight, DiffAugment }, dir =>
        {
            using var data = LoadFaces(faces);
            var options = new AcganTrainOptions(new DcganOptions(s.GanLatent, s.GanWidth, s.DiscriminatorWidth), ["Smiling"], s.GanEpochs, s.GanBatch, LearningRate: s.GanLearningRate,
                                                AuxWeight: AcganAuxWeight, RealLabel: RealLabel, InstanceNoise: InstanceNoise, Seed: o.Seed, AverageFrom: GanAverageFrom,
                                                DiffAugmentation: DiffAugment);
            var trainer = new AcganTrainer(data, options);
            TrainingLoop.Run(trainer, new LoopOptions(s.GanEpochs, dir, Resume: true, LogDir: LogDirOf("acgan"), RestartIfChanged: true), progress);
            var pairs = Path.Combine(dir, "smiling-pairs.png");
            using (var gen = new Generator((ulong)o.Seed))
            using (var z = randn([10, s.GanLatent], generator: gen))
                AcganTrainer.SavePairs(trainer.Reported, z.ToDevice(), 1, 0, pairs, o.Seed, rowLabels: ["Smiling off", "Smiling on"]);
            var control = AttributeControlEvaluation.Evaluate(trainer.Reported, ["Smiling"], ["Smiling"], data, s.ControlPairs, s.ClassifierEpochs, o.Seed, progress);
            return new AcganPart(Rel(pairs), Rel(Path.Combine(dir, "loss.png")), control);
        });
    }

    /// <summary>The fingerprint of the weights in another part's checkpoint: a part computed from it records it, so it is computed again when
    /// that checkpoint's weights changed (the path alone would stay the same), and not when a retraining gave the same weights.</summary>
    string Fingerprint(string relativePath) => Checkpoint.WeightsFingerprint(Full(relativePath));

    /// <summary>FID target as a multiple of the real-vs-real floor: 3x on the embedded faces (issue 15), 5x on CelebA's 5,340 (issue 16).</summary>
    double FidTarget => Faces == "celeba" ? 5 : 3;

    /// <summary>FID and KID of generated against real faces, beside the real-vs-real floor (the DCGAN's and the ACGAN's sections).</summary>
    static void FidTable(ReportWriter report, FidReport fid) =>
        report.Grid(["metric", "generated vs real", "real vs real (floor)"],
        [
            ["FID-ResNet18", F(fid.Fid), F(fid.FloorFid)],
            ["KID", $"{G(fid.Kid.Mean)} ± {G(fid.Kid.Std)}", $"{G(fid.FloorKid.Mean)} ± {G(fid.FloorKid.Std)}"],
        ]);

    /// <summary>FID/KID of the ACGAN's samples (the first attribute off for half, on for half) against the real faces, from the ACGAN part's
    /// checkpoint: a part of its own, so adding it did not retrain the generator.</summary>
    FidReport AcganFid(AcganPart acgan, string faces)
    {
        var s = o.Size;
        var checkpoint = Path.Combine(Path.GetDirectoryName(acgan.Loss)!, "checkpoint.zip");
        return Part("acgan-fid", new { checkpoint, weights = Fingerprint(checkpoint), s.FidSamples, s.FidSize, o.Seed }, dir =>
        {
            using var data = LoadFaces(faces);
            var (g, attributes) = AcganTrainer.LoadReported(Full(checkpoint));
            return FidReport.Evaluate(data.Images, n => AcganTrainer.GenerateBytes(g, attributes.Length, n, o.Seed), s.FidSamples, new FeatureExtractor(s.FidSize), o.Seed, progress);
        });
    }

    void AcganSection(ReportWriter report, AcganPart r, FidReport fid)
    {
        report.H(2, "3. ACGAN: Smiling off (top) and on (bottom)");
        report.Image(Full(r.Pairs), "10 pairs: each column is one noise vector, generated with Smiling = 0 (top row) and 1 (bottom row)", upscale: true);
        report.Image(Full(r.Loss), "ACGAN training curves");
        report.H(3, "Attribute control");
        report.Grid(["attribute", "judge accuracy on real held-out", "off judged off", "on judged on", "pair flip rate (chance 25%)", "pairs"],
            r.Control.Select(c => new[] { c.Attribute, P(c.ClassifierHeldOutAccuracy), P(c.Score.OffAccuracy), P(c.Score.OnAccuracy), P(c.Score.FlipRate), c.Score.Pairs.ToString() }));
        foreach (var c in r.Control) report.P(Verdict.Control(c));
        report.H(3, "ACGAN image quality");
        FidTable(report, fid);
        report.P($"{fid.SamplesPerSet} generated faces, Smiling off for half and on for half, against as many real ones; the same features as the DCGAN's FID. " +
                 Verdict.Fid(fid.Fid / Math.Max(1e-9, fid.FloorFid), FidTarget) + Scale(fid));
    }

    /// <summary>The FID's scale sentence (real faces after known damage), after a space; empty for parts finished before it existed.</summary>
    static string Scale(FidReport fid) => fid.DescribeReferences() is { Length: > 0 } s ? " " + s : "";

    /// <summary>Everything of one direction of the digit pair: the three DANN-table rows, the improved UDA row and the t-SNE figures.</summary>
    sealed record DirectionParts(string Source, string Target, int ImageSize, List<DannPart> Runs, UdaPart Uda, List<(string Mode, TsnePart Tsne)> Tsne);

    /// <param name="Collapse">The collapse check's warning on the target's unlabelled images (<see cref="Evaluation.CollapseWarning"/>), or null.</param>
    /// <param name="TargetImages">Target evaluation images behind <paramref name="TargetAccuracy"/> (0 in parts stored before it was recorded).</param>
    /// <param name="SourceTrainImages">The source domain's training images (its evaluation part excluded; 0 in parts stored before it was recorded).</param>
    sealed record DannPart(string Source, string Target, string Mode, double TargetAccuracy, double SourceAccuracy, string Checkpoint, string Evaluation,
                           double? TargetAdaBn, int ImageSize, string? Collapse = null, int TargetImages = 0, int SourceTrainImages = 0);

    DirectionParts Direction(string src, string tgt)
    {
        var s = o.Size;
        var runs = new List<DannPart>();
        foreach (var mode in new[] { AdaptationMethod.SourceOnly, AdaptationMethod.Dann, AdaptationMethod.TargetOnly, AdaptationMethod.MeanTeacher })
        {
            var name = $"dann-{src}-to-{tgt}-{AdaptationMethods.Name(mode)}";
            var labelled = mode == AdaptationMethod.TargetOnly ? tgt : src;
            bool jitter = Jitter(labelled);
            int shift = Shift(labelled);
            var options = mode == AdaptationMethod.MeanTeacher
                ? MeanTeacherRecipe(src, tgt, s, o.Seed, jitter, Recipe.CleanTeacher, shift)
                : new DannOptions(src, tgt, mode, Epochs: s.DannEpochs, Batch: s.DannBatch, BatchNorm: DannBatchNorm, Seed: o.Seed, ColorJitter: jitter, Shift: shift);
            runs.Add(Part(name, Added(new
            {
                src,
                tgt,
                mode,
                s.Digits,
                s.DannEpochs,
                s.DannBatch,
                adaBn = true,
                o.Seed,
                DannOptions.DefaultAverageFrom,
                DannBatchNorm,
                recipe = mode == AdaptationMethod.MeanTeacher ? options : null,
                color_jitter = jitter
            }, "shift", shift), dir =>
{
using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
var result = DannRun.TrainAndEvaluate(source, target, options, dir, progress, logDir: LogDirOf(name), adaBn: true);
return new DannPart(src, tgt, AdaptationMethods.Name(mode), result.Target.Accuracy, result.Source.Accuracy, Rel(result.Checkpoint), target.EvalDescription,
              result.TargetAdaBn?.Accuracy, result.Options.ImageSize, result.Collapse, result.Target.Images, source.Train.Count);
}));
        }
        var tsne = new List<(string, TsnePart)>();
        foreach (var mode in new[] { "source-only", "dann" })
        {
            var run = runs.Single(r => r.Mode == mode);
            tsne.Add((mode, Part($"tsne-{mode}-{src}-to-{tgt}", new { run.Checkpoint, weights = Fingerprint(run.Checkpoint), s.TsnePoints, s.TsneIterations, o.Seed }, dir =>
            {
                var (model, _) = DannRun.LoadModel(Full(run.Checkpoint));
                using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
                using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
                return Tsne(dir, $"tsne-{mode}", model.Features, model.Transform, $"{mode} {src}→{tgt}", source, target);
            })));
        }
        var uda = UdaRun(src, tgt);
        tsne.Add(("improved UDA", uda.Tsne));
        return new DirectionParts(src, tgt, runs[0].ImageSize, runs, uda, tsne);
    }

    void TableSection(ReportWriter report, DirectionParts forward, DirectionParts backward)
    {
        var s = o.Size;
        var directions = new[] { forward, backward };
        report.H(2, "4. Domain adaptation: target accuracy (%)");
        static string Row(string mode, bool adaBn) =>
            mode == "mean-teacher" ? (adaBn ? MeanTeacherAdaBnRow : MeanTeacherRow) : adaBn ? mode + " + AdaBN" : mode;
        var table = new AccuracyTable();
        var studyColumns = new[] { "the study: SVHN → MNIST-M (real data)", "the study: MNIST-M → SVHN (real data)" };
        var order = new[] { "source-only", "dann", "source-only + AdaBN", "dann + AdaBN", "target-only", Uda.UdaRun.RowName, MeanTeacherRow, MeanTeacherAdaBnRow };
        foreach (var d in directions)
        {
            var column = $"{d.Source} → {d.Target}";
            var cells = new Dictionary<string, double> { [Uda.UdaRun.RowName] = d.Uda.TargetAccuracy };
            foreach (var r in d.Runs)
            {
                cells[Row(r.Mode, adaBn: false)] = r.TargetAccuracy;
                if (r.TargetAdaBn is { } adapted) cells[Row(r.Mode, adaBn: true)] = adapted;
            }
            foreach (var row in order) if (cells.TryGetValue(row, out var accuracy)) table.Add(row, column, accuracy);
        }
        foreach (var c in studyColumns) table.AddColumn(c);
        foreach (var (row, v) in StudyNumbers) { table.Add(row, studyColumns[0], v.SvhnToMnistM / 100); table.Add(row, studyColumns[1], v.MnistMToSvhn / 100); }
        report.Grid(table.Header("method"), table.Rows());
        report.P($"Reported: {DannTrainer.ReportedName(DannOptions.DefaultAverageFrom)} of each run ({s.DannEpochs} epochs, batch {s.DannBatch}, " +
                 $"{(s.Digits is int n ? $"{n:N0}" : "all")} images per domain before the held-out part; DANN with {DannBatchNorm.ToString().ToLowerInvariant()} batch-norm statistics" +
                 (Recipe.JitterMnistLike ? "; colour jitter on labelled MNIST-M images, never on SVHN's" : "") +
                 (Recipe.SvhnShift > 0 ? $"; labelled SVHN images shifted by up to {Recipe.SvhnShift} pixels each way" : "") + "); " +
                 $"no model selection on target labels. The mean teacher (French et al. 2018) reports its teacher, the student's weights averaged exponentially " +
                 $"(decay 0.99; consistency weight 3 on two views of each target batch, the student's shifted and noisy, the teacher's " +
                 (Recipe.CleanTeacher ? "shifted only" : "shifted and noisy") + $", where the teacher's confidence reaches {MeanTeacherConfidence}; class balance 0.005" +
                 (Recipe.CleanTeacher ? "; the teacher keeps the batch-norm statistics of its own views" : "") +
                 (MeanTeacherAdversarial ? "; with DANN's domain loss added" : "") + $"; {s.DannEpochs} epochs, batch {s.DannBatch}). '+ AdaBN' rows: the same models with batch-norm statistics recalibrated on the target's unlabelled training images. " +
                 $"Evaluation parts: {string.Join("; ", forward.Runs.Concat(backward.Runs).Select(r => r.Evaluation).Distinct())}. " +
                 "The study's columns were measured by the study on real SVHN and MNIST-M, not by this run." + EvaluationNoise(forward, backward));
        // How much SVHN this run had beside what the study had: with 5,000 images SVHN → MNIST-M learns from 6% of the study's source.
        if (RealDigits() is not null && directions.Single(d => d.Source == "svhn").Runs[0].SourceTrainImages is var svhnTrain and > 0)
            report.P($"SVHN here: {svhnTrain:N0} training images from {Path.Combine(DatasetCatalog.ResolveRoot(o.DataRoot), "svhn")} " +
                     $"(evaluation: {directions.Single(d => d.Target == "svhn").Runs[0].Evaluation}); the study trained on SVHN's 73,257 training images " +
                     "and tested on its 26,032 test images" + (svhnTrain < 73_257 ? ", so the SVHN columns are not like for like." : "."));
        foreach (var d in directions)
            report.P(Verdict.Adaptation(d.Source, d.Target, d.Runs.Single(r => r.Mode == "source-only").TargetAccuracy, d.Runs.Single(r => r.Mode == "dann").TargetAccuracy,
                                        d.Runs.Single(r => r.Mode == "target-only").TargetAccuracy, d.Uda.TargetAccuracy,
                                        d.Runs.Single(r => r.Mode == "mean-teacher").TargetAccuracy, d.Runs.Single(r => r.Mode == "mean-teacher").TargetAdaBn,
                                        d.Runs[0].TargetImages));
        foreach (var r in forward.Runs.Concat(backward.Runs).Where(r => r.Collapse is not null))
            report.P($"{Verdict.Flag} {r.Mode} {r.Source} → {r.Target}, {r.Collapse}.");
    }

    /// <summary>
    /// The sentence giving each column's binomial standard error at 50% (its largest): how far one run's accuracies can move by
    /// the draw of the evaluation images alone; empty for parts stored before the counts were recorded.
    /// </summary>
    static string EvaluationNoise(DirectionParts forward, DirectionParts backward)
    {
        var counts = new[] { forward, backward }.Where(d => d.Runs[0].TargetImages > 0)
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"±{100 * Verdict.StandardError(0.5, d.Runs[0].TargetImages):F1} points for {d.Source} → {d.Target} ({d.Runs[0].TargetImages:N0} images)")).ToList();
        return counts.Count == 0 ? "" :
            $" Each cell is the share of the target's evaluation images classified correctly; the draw of those images alone gives one run's cell a standard error of up to {string.Join(" and ", counts)}, before any variation between seeds.";
    }

    sealed record UdaPart(string Source, string Target, double TargetAccuracy, double SourceAccuracy, double Seconds, TsnePart Tsne);

    /// <summary>
    /// Trains, evaluates and plots the improved UDA model of one direction in one part, then deletes its checkpoint: ~170 MB that
    /// mostly repeat the pretrained backbone and that no later step reads (an interrupted part keeps it, to resume).
    /// </summary>
    UdaPart UdaRun(string src, string tgt)
    {
        var s = o.Size;
        return Part($"uda-{src}-to-{tgt}", new
        {
            src,
            tgt,
            s.Digits,
            s.UdaSize,
            s.UdaFrozenEpochs,
            s.UdaFineTuneEpochs,
            s.UdaLearningRate,
            s.DannBatch,
            o.Seed,
            DannOptions.DefaultAverageFrom,
            Recipe.UdaTextureBlend,
            s.TsnePoints,
            s.TsneIterations,
            color_jitter = UdaJitter(src)
        }, dir =>
{
using var source = DomainData.Load(src, o.DataRoot, s.Digits, 0.1, o.Seed);
using var target = DomainData.Load(tgt, o.DataRoot, s.Digits, 0.1, o.Seed);
var options = new Uda.UdaOptions(src, tgt, ImageSize: s.UdaSize, FrozenEpochs: s.UdaFrozenEpochs, FineTuneEpochs: s.UdaFineTuneEpochs, Batch: s.DannBatch,
         FineTuneLr: s.UdaLearningRate, TextureBlend: Recipe.UdaTextureBlend, ColorJitter: UdaJitter(src), Seed: o.Seed);
var r = Uda.UdaRun.TrainAndEvaluate(source, target, options, dir, progress, logDir: LogDirOf($"uda-{src}-to-{tgt}"));
var (model, _, transform) = Uda.UdaRun.LoadModel(r.Checkpoint);
var tsne = Tsne(dir, "tsne-uda", model.Features, transform, $"improved UDA {src}→{tgt}", source, target);
File.Delete(r.Checkpoint);
return new UdaPart(src, tgt, r.Target.Accuracy, r.Source.Accuracy, r.Seconds, tsne);
});
    }

    void UdaSection(ReportWriter report, DirectionParts forward, DirectionParts backward)
    {
        var s = o.Size;
        report.H(2, "6. Improved UDA");
        report.P($"ImageNet-pretrained ResNet18 (ML.NET's ONNX weights imported into TorchSharp) at {s.UdaSize}x{s.UdaSize}, Adversa's 'reduce' head to the same 800-d latent as DANN (`uda train --head rconv` trains the study's r_conv head instead), " +
                 $"trained adversarially: {s.UdaFrozenEpochs} epochs on cached features of the frozen backbone, then {s.UdaFineTuneEpochs} fine-tuning layer2 to layer4 at a backbone learning rate of {s.UdaLearningRate.ToString("0e0", CultureInfo.InvariantCulture)}; " +
                 (Recipe.UdaTextureBlend > 0 ? $"labelled images texture-blended with probability {Recipe.UdaTextureBlend}" : "no texture blend") +
                 "; colour jitter on labelled MNIST-M images (not on SVHN's).");
        report.Grid(["direction", "target accuracy (%)", "source accuracy (%)", "DANN target accuracy (%)", "the study's UDA (real data)", "training seconds"],
            new[] { forward, backward }.Select(d => new[]
            {
                $"{d.Source} → {d.Target}", F(100 * d.Uda.TargetAccuracy), F(100 * d.Uda.SourceAccuracy), F(100 * d.Runs.Single(r => r.Mode == "dann").TargetAccuracy),
                F(d == forward ? StudyNumbers[Uda.UdaRun.RowName].SvhnToMnistM : StudyNumbers[Uda.UdaRun.RowName].MnistMToSvhn), F(d.Uda.Seconds),
            }));
        foreach (var d in new[] { forward, backward })
            report.P(Verdict.Uda(d.Source, d.Target, d.Uda.TargetAccuracy, d.Uda.SourceAccuracy, d.Runs.Single(r => r.Mode == "dann").TargetAccuracy));
    }

    sealed record TsnePart(string Figure, double Kl, double Trust);

    void TsneSection(ReportWriter report, DirectionParts forward, DirectionParts backward)
    {
        var s = o.Size;
        report.H(2, "5. Latent space (t-SNE)");
        report.P($"Latent features of {s.TsnePoints} evaluation images per domain, embedded in 2-D; left: coloured by domain (adaptation shows as the two " +
                 "domains overlapping), right: by class (the classes should stay apart). Source-only is the 'before' picture.");
        foreach (var d in new[] { forward, backward })
            foreach (var (mode, t) in d.Tsne)
                report.Image(Full(t.Figure), $"{mode} {d.Source}→{d.Target}: by domain (left) and by class (right); KL {F(t.Kl)}, trustworthiness {F(t.Trust)}");
    }

    TsnePart Tsne(string dir, string name, Func<Tensor, Tensor> features, ImageTransform transform, string title, DomainData source, DomainData target)
    {
        var s = o.Size;
        var figure = Path.Combine(dir, $"{name}.png");
        var rep = LatentSpace.Plot(features, transform, source.Eval, target.Eval, s.TsnePoints, figure, title, o.Seed, progress,
                                   new TsneOptions(Iterations: s.TsneIterations, Seed: o.Seed));
        return new TsnePart(Rel(figure), rep.KlDivergence, rep.Trustworthiness);
    }

    /// <summary>Paths stored in parts/*/done.json are relative to the report folder, so a moved or copied report still finds its own files.</summary>
    string Rel(string path) => Path.GetRelativePath(o.Out, path).Replace('\\', '/');

    string Full(string relative) => Path.Combine(o.Out, relative);

    static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
    static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    static string P(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
