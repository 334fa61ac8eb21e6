using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Adversa.Common;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Adversa.Training;

/// <summary>
/// A full training state in one zip file: <c>meta.json</c> (format, model kind, options, epoch/batch/step,
/// metric history), every module's weights and buffers, every optimizer's state, and the global RNG state,
/// so that a resumed run continues exactly where the interrupted one stopped.
/// Written to a temporary file, flushed to disk and renamed over the old one: a crash mid-write never
/// damages the last good checkpoint.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>The format tag in meta.json.</summary>
    public const string Format = "adversa-checkpoint/1";

    /// <summary>Which model family wrote it (dcgan, acgan, dann, uda).</summary>
    public required string Kind { get; init; }
    /// <summary>The training options, as JSON.</summary>
    public JsonObject Options { get; init; } = new();
    /// <summary>The options record <see cref="Options"/> was serialized from, to read an older checkpoint's options the same way (null: compare as written).</summary>
    public Type? OptionsType { get; init; }
    /// <summary>Epochs finished.</summary>
    public int Epoch { get; set; }
    /// <summary>Batches done in the current epoch.</summary>
    public int BatchInEpoch { get; set; }
    /// <inheritdoc/>
    public long Step { get; set; }
    /// <summary>Every logged metric, one value per step.</summary>
    public Dictionary<string, List<double>> History { get; init; } = new();
    /// <summary>Modules saved, by name.</summary>
    public Dictionary<string, nn.Module> Modules { get; init; } = new();
    /// <summary>Optimizers saved, by name.</summary>
    public Dictionary<string, OptimizerHelper> Optimizers { get; init; } = new();

    /// <summary>Writes the whole state to <paramref name="path"/> atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, file =>
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        var meta = new JsonObject
        {
            ["format"] = Format,
            ["kind"] = Kind,
            ["epoch"] = Epoch,
            ["batch_in_epoch"] = BatchInEpoch,
            ["step"] = Step,
            ["options"] = Options.DeepClone(),
            ["history"] = JsonSerializer.SerializeToNode(History, HistoryJson),
            ["saved_utc"] = DateTime.UtcNow.ToString("O"),
        };
        Write(zip, "meta.json", s => JsonSerializer.Serialize(s, meta, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var (name, module) in Modules) Write(zip, $"modules/{name}.bin", s => module.save(s));
        foreach (var (name, opt) in Optimizers) Write(zip, $"optimizers/{name}.bin", s =>
        {
            using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
            opt.save_state_dict(w);
        });
        Write(zip, "rng.bin", s =>
        {
            using var state = random.get_rng_state();
            s.Write(state.bytes);
        });
    });

    /// <summary>
    /// How training options are written into meta.json and read back: snake_case names like every other file Adversa
    /// writes ("average_from"), enums by name ("mean-teacher"). Checkpoints written before this (PascalCase names,
    /// numeric enums) still read: <see cref="ReadMeta(string)"/> renames their option keys.
    /// </summary>
    public static readonly JsonSerializerOptions OptionsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Option keys of an older checkpoint ("AverageFrom", nested "Model": {"LatentSize"}) renamed to snake_case, in place.</summary>
    internal static void SnakeCaseKeys(JsonNode? node)
    {
        if (node is not JsonObject obj) return;
        foreach (var key in obj.Select(kv => kv.Key).ToList())
        {
            var value = obj[key];
            SnakeCaseKeys(value);
            var snake = JsonNamingPolicy.SnakeCaseLower.ConvertName(key);
            if (snake == key) continue;
            obj.Remove(key);
            obj[snake] = value;
        }
    }

    /// <summary>The metric history may hold a diverged (NaN) loss: written as null, read back as NaN.</summary>
    static readonly JsonSerializerOptions HistoryJson = new() { Converters = { new Json.FiniteDoubleConverter() } };

    /// <summary>What each checkpoint kind holds, for errors that say what a file is.</summary>
    public static string Describe(string? kind) => kind switch
    {
        "dcgan" => "a DCGAN checkpoint (face generator)",
        "acgan" => "an ACGAN checkpoint (attribute-conditioned face generator)",
        "dann" => "a DANN checkpoint (digit classifier: source-only, DANN, target-only or mean teacher)",
        "uda" => "an improved-UDA checkpoint (digit classifier on a ResNet backbone)",
        null => "a checkpoint of unknown kind",
        _ => $"a '{kind}' checkpoint",
    };

    /// <summary>meta.json of a checkpoint that must be one of <paramref name="kinds"/>; otherwise one line saying what the file is and what is needed.</summary>
    public static JsonObject ReadMeta(string path, params string[] kinds)
    {
        var meta = ReadMeta(path);
        var kind = (string?)meta["kind"];
        if (!kinds.Contains(kind))
            throw new AdversaException($"{path}: is {Describe(kind)}; this command needs {string.Join(" or ", kinds.Select(Describe))}");
        return meta;
    }

    static void Write(ZipArchive zip, string name, Action<Stream> write)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(s);
    }

    /// <summary>Reads meta.json only (kind, options, progress): used to rebuild the models before <see cref="Restore"/>.</summary>
    public static JsonObject ReadMeta(string path)
    {
        using var zip = Open(path);
        return ReadMeta(path, zip);
    }

    static JsonObject ReadMeta(string path, ZipArchive zip)
    {
        var entry = zip.GetEntry("meta.json") ?? throw new DataFormatException(path, "not an Adversa checkpoint (no meta.json)");
        using var s = entry.Open();
        var meta = JsonNode.Parse(s)?.AsObject() ?? throw new DataFormatException(path, "empty meta.json");
        if ((string?)meta["format"] != Format)
            throw new DataFormatException(path, $"unsupported checkpoint format '{meta["format"]}' (expected {Format})");
        SnakeCaseKeys(meta["options"]);
        return meta;
    }

    /// <summary>
    /// The first 16 hex digits of a SHA-256 over the checkpoint's weights (its <c>modules/</c> entries, by name), not its time
    /// stamp, metric history or optimizer state: what a result computed from the model depends on. The same seed retrained
    /// gives the same fingerprint; any changed weight gives another.
    /// </summary>
    public static string WeightsFingerprint(string path)
    {
        using var zip = Open(path);
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("modules/")).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(entry.FullName + "\n"));
            using var s = entry.Open();
            for (int n; (n = s.Read(buffer)) > 0;) sha.AppendData(buffer, 0, n);
        }
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    /// <summary>
    /// The settings the checkpoint at <paramref name="path"/> was trained with that differ from <paramref name="now"/>'s, as
    /// "name: recorded -> now"; empty when resuming it continues the same run. A checkpoint of another kind differs in "kind".
    /// </summary>
    public static List<string> ChangedSettings(string path, Checkpoint now)
    {
        var meta = ReadMeta(path);
        if ((string?)meta["kind"] != now.Kind) return [$"kind: {meta["kind"]} -> {now.Kind}"];
        var recorded = meta["options"] as JsonObject ?? new JsonObject();
        if (now.OptionsType is { } type)
        {
            // Read back through the record and written again: enums stored as numbers by older versions compare by name,
            // and an option added since (absent from the file) compares as its default. Keys outside the record stay as written.
            try
            {
                var typed = JsonSerializer.SerializeToNode(recorded.Deserialize(type, OptionsJson), type, OptionsJson)!.AsObject();
                foreach (var (key, value) in typed) recorded[key] = value?.DeepClone();
            }
            catch (JsonException) { } // unreadable as the record: compare as written (every difference is then named)
        }
        var changed = new List<string>();
        foreach (var key in recorded.Select(kv => kv.Key).Union(now.Options.Select(kv => kv.Key)))
        {
            var (a, b) = (recorded[key], now.Options[key]);
            if (!JsonNode.DeepEquals(a, b)) changed.Add($"{key}: {Text(a)} -> {Text(b)}");
        }
        return changed;

        static string Text(JsonNode? n) => n is null ? "(none)" : n.ToJsonString();
    }

    /// <summary>Loads weights, optimizer states and RNG into the given (already constructed) objects.</summary>
    public void Restore(string path, bool restoreRng = true)
    {
        using var zip = Open(path);
        var meta = ReadMeta(path, zip);
        if ((string?)meta["kind"] != Kind)
            throw new AdversaException($"{path}: is {Describe((string?)meta["kind"])}, not {Describe(Kind)}");
        Epoch = (int)meta["epoch"]!;
        BatchInEpoch = (int)meta["batch_in_epoch"]!;
        Step = (long)meta["step"]!;
        History.Clear();
        foreach (var (k, v) in meta["history"]!.Deserialize<Dictionary<string, List<double>>>(HistoryJson)!) History[k] = v;
        try
        {
            foreach (var (name, module) in Modules) module.load(Entry(path, zip, $"modules/{name}.bin"));
            foreach (var (name, opt) in Optimizers)
                opt.load_state_dict(new BinaryReader(Entry(path, zip, $"optimizers/{name}.bin")));
        }
        catch (Exception e) when (e is not AdversaException)
        {
            throw new DataFormatException(path, $"weights do not fit this model ({e.Message.Split('\n')[0]})", e);
        }
        if (restoreRng)
        {
            var bytes = Entry(path, zip, "rng.bin").ToArray();
            using var state = tensor(bytes, dtype: ScalarType.Byte);
            random.set_rng_state(state);
        }
    }

    /// <summary>Loads only the named modules' weights (sampling and evaluation need no optimizer or RNG).</summary>
    public static void LoadModules(string path, string kind, IReadOnlyDictionary<string, nn.Module> modules)
    {
        using var zip = Open(path);
        var meta = ReadMeta(path, zip);
        if ((string?)meta["kind"] != kind) throw new AdversaException($"{path}: is {Describe((string?)meta["kind"])}, not {Describe(kind)}");
        foreach (var (name, module) in modules) module.load(Entry(path, zip, $"modules/{name}.bin"));
    }

    static MemoryStream Entry(string path, ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new DataFormatException(path, $"checkpoint has no '{name}'");
        var ms = new MemoryStream();
        try
        {
            using var s = entry.Open();
            s.CopyTo(ms);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"checkpoint entry '{name}' is corrupt ({e.Message})", e);
        }
        ms.Position = 0;
        return ms;
    }

    static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: checkpoint not found");
        try { return ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new DataFormatException(path, "checkpoint is truncated or corrupt (not a complete zip archive)", e); }
    }
}
