using Adversa.Common;
using Adversa.Summary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Adversa.Dann;
using Adversa.Data;
using Adversa.Gan;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Reproduce;

/// <summary>
/// <c>adversa reproduce</c>: every figure and table of the study in one run, written as report/index.md and a
/// self-contained report/index.html. The work is four independent chunks (DCGAN, ACGAN, and each direction of the
/// digit pair with its baselines, DANN, improved UDA and t-SNE figures); with <see cref="StudyOptions.Jobs"/> 2 they run
/// two at a time in child processes of one thread each, then this process writes the report from their stored results.
/// Each part stores its results under parts/NAME/ with the settings that produced them; a rerun skips parts whose settings
/// are unchanged (unless forced), and training inside a part resumes from its checkpoint.
/// <para>One file per concern: this one runs the chunks and parts and assembles the report; Study.Recipes.cs holds the settings
/// each part trains with (and why); Study.Faces.cs the DCGAN and ACGAN parts and sections; Study.Digits.cs each digit direction's parts
/// and the table, t-SNE and UDA sections; StudySize.cs the sizes.</para>
/// </summary>
public sealed partial class Study(StudyOptions o, IProgressSink progress)
{
    readonly List<(string Part, double Seconds, bool Reused)> _timings = [];
    /// <summary>When this invocation began (children get it from the parent): parts finished before it were reused.</summary>
    readonly DateTime _started = o.StartedUtc ?? DateTime.UtcNow;
    /// <summary>True while the report is written from stored results.</summary>
    bool _assembling;

    /// <summary>Names of the four chunks of the study (each can run in its own process).</summary>
    public const string FacesDcgan = "faces-dcgan", FacesAcgan = "faces-acgan", PairForward = "pair-1", PairBackward = "pair-2";

    /// <summary>The chunks, longest first (so two lanes finish together), with their cost relative to one digit direction for the ETA
    /// (<see cref="StudySize.AcganCost"/>, <see cref="StudySize.DcganCost"/>).</summary>
    (string Name, double Weight)[] Chunks =>
        new[] { (PairForward, 1.0), (PairBackward, 1.0), (FacesAcgan, o.Size.AcganCost), (FacesDcgan, o.Size.DcganCost) }.OrderByDescending(c => c.Item2).ToArray();

    string Parts => Path.Combine(o.Out, "parts");

    /// <summary>Where part <paramref name="name"/> writes TensorBoard events (null: nowhere).</summary>
    string? LogDirOf(string name) => o.LogDir is null ? null : Path.Combine(o.LogDir, name);
    /// <summary>The faces the GAN parts use: CelebA when the data root has it (looked for once), else the embedded ones.</summary>
    string Faces => field ??= o.DataRoot is not null && Directory.Exists(Path.Combine(DatasetCatalog.ResolveRoot(o.DataRoot), "celeba")) ? "celeba" : "synth-faces";
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
                 $"({Minutes(partSeconds)} of part time in all, per part in section 7{(o.Jobs > 1 ? $"; {o.Jobs} parts at a time, each in its own process" : "")})." +
                 (Verdict.Budget(clock.Elapsed.TotalSeconds, o.Size.BudgetMinutes, _timings.Select(t => (t.Part, t.Seconds)).ToList(), reusedParts > 0) is { Length: > 0 } budget ? " " + budget : ""));
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

    /// <summary>The fingerprint of the weights in another part's checkpoint: a part computed from it records it, so it is computed again when
    /// that checkpoint's weights changed (the path alone would stay the same), and not when a retraining gave the same weights.</summary>
    string Fingerprint(string relativePath) => Checkpoint.WeightsFingerprint(Full(relativePath));

    /// <summary>Paths stored in parts/*/done.json are relative to the report folder, so a moved or copied report still finds its own files.</summary>
    string Rel(string path) => Path.GetRelativePath(o.Out, path).Replace('\\', '/');

    string Full(string relative) => Path.Combine(o.Out, relative);

    static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
    static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    static string P(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
