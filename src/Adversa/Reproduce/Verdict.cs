using System.Globalization;
using Adversa.Metrics;

namespace Adversa.Reproduce;

/// <summary>
/// The sentences under each section of the report, generated from the numbers: what the result shows, and in words
/// (marked "⚠") any result below chance or below its own baseline, so a reader never has to spot a contradiction alone.
/// </summary>
public static class Verdict
{
    /// <summary>The mark of a result that contradicts its baseline.</summary>
    public const string Flag = "⚠";

    static string Pct(double v) => (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%";
    static string Points(double v) => (100 * v).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " points";

    /// <summary>A distance in points without its sign, for sentences that say "below" themselves.</summary>
    static string PointsApart(double v) => (100 * Math.Abs(v)).ToString("0.0", CultureInfo.InvariantCulture) + " points";

    /// <summary>FID against the real-vs-real floor and its <paramref name="target"/> multiple (the main job: 3x; CelebA: 5x).</summary>
    public static string Fid(double ratio, double target = 3) =>
        ratio <= target ? $"FID is {ratio:F1}x the real-vs-real floor: the generated faces match the real ones' feature statistics closely (target: at most {target:0.#}x)."
        : ratio <= 10 ? $"{Flag} FID is {ratio:F1}x the real-vs-real floor (target: at most {target:0.#}x): the generator has learnt the faces' layout, but its samples are still told apart from real ones."
        : $"{Flag} FID is {ratio:F1}x the real-vs-real floor (target: at most {target:0.#}x): the generator has not yet learnt the real faces' statistics.";

    /// <summary>
    /// The report's sentence on the run's wall clock against its size's budget: within it, or (flagged) over it with the two longest parts and
    /// their share of the part time, so a reader sees where the time went; empty when the size has no budget or parts were reused (then the
    /// wall clock is not that of a whole run).
    /// </summary>
    /// <param name="seconds">Wall clock of this invocation (the build not included).</param>
    /// <param name="budgetMinutes">The size's budget on 2 cores; null: none.</param>
    /// <param name="parts">Each part and its seconds.</param>
    public static string Budget(double seconds, int? budgetMinutes, IReadOnlyList<(string Part, double Seconds)> parts, bool reused)
    {
        if (budgetMinutes is not int budget || reused || parts.Count == 0) return "";
        if (seconds <= budget * 60) return $"That is within this size's budget of {budget} minutes on 2 cores.";
        double total = parts.Sum(p => p.Seconds);
        var longest = parts.OrderByDescending(p => p.Seconds).Take(2).ToList();
        var named = string.Join(" and ", longest.Select(p => $"{p.Part} ({p.Seconds / 60:F1} min)"));
        return $"{Flag} That is over this size's budget of {budget} minutes on 2 cores (by {(seconds / 60 - budget):F1} min, the build not included): its two longest parts, {named}, " +
               $"take {100 * longest.Sum(p => p.Seconds) / Math.Max(1e-9, total):F0}% of the part time (section 7). 2-core machines differ about 2x in speed on this work " +
               "(the main job took 13.6–14.0 min on an AMD EPYC and 24–28 min on an Intel Xeon model 167; docs/research-log.md).";
    }

    /// <summary>The sentence under the attribute-control table.</summary>
    public static string Control(AttributeControlReport c)
    {
        var s = c.Score;
        var judge = c.ClassifierHeldOutAccuracy >= 0.95
            ? $"The judge classifies {c.Attribute} on real held-out faces with {Pct(c.ClassifierHeldOutAccuracy)} accuracy, so its verdicts can be trusted"
            : $"{Flag} The judge classifies {c.Attribute} on real held-out faces with only {Pct(c.ClassifierHeldOutAccuracy)} accuracy (below 95%), so read its verdicts with care";
        var flip = s.FlipRate >= 0.8 ? $"in {Pct(s.FlipRate)} of pairs the attribute switches from off to on as asked: the condition controls it"
            : s.FlipRate > 0.25 ? $"{Flag} only {Pct(s.FlipRate)} of pairs switch from off to on (chance 25%, target 80%): the control is weak"
            : $"{Flag} {Pct(s.FlipRate)} of pairs switch from off to on, no better than chance (25%): the condition does not control the attribute";
        return $"{judge}; {flip}.";
    }

    /// <summary>Binomial standard error of an accuracy <paramref name="p"/> measured on <paramref name="images"/> images.</summary>
    public static double StandardError(double p, int images) => Math.Sqrt(p * (1 - p) / images);

    /// <summary>
    /// Two standard errors of the difference between two accuracies measured on the same <paramref name="images"/> images, taken
    /// as independent: an upper bound on one run's evaluation noise (two models' errors on one set are positively correlated).
    /// </summary>
    public static double NoiseOfDifference(double a, double b, int images) =>
        2 * Math.Sqrt((a * (1 - a) + b * (1 - b)) / images);

    /// <summary>
    /// ", but by less than this evaluation's noise (...)" when <paramref name="lower"/> lies below <paramref name="higher"/> by less than
    /// <see cref="NoiseOfDifference"/> on <paramref name="images"/> images; empty when it does not or the count is unknown (0).
    /// </summary>
    static string WithinNoise(double lower, double higher, int images) =>
        images > 0 && higher - lower < NoiseOfDifference(lower, higher, images)
            ? $", but by less than this evaluation's noise (two standard errors of a difference on {images.ToString("N0", CultureInfo.InvariantCulture)} images: {PointsApart(NoiseOfDifference(lower, higher, images))}), so this one run cannot tell the two apart"
            : "";

    /// <summary>One direction of the accuracy table: DANN against source-only (target +10 points) and target-only (upper bound), and the UDA row.</summary>
    /// <param name="meanTeacherAdaBn">The mean teacher after AdaBN on the target's unlabelled images; null when not measured.</param>
    /// <param name="evalImages">Target evaluation images behind each accuracy (0: unknown); a result below its baseline by less than the evaluation's noise says so.</param>
    public static string Adaptation(string source, string target, double sourceOnly, double dann, double targetOnly, double uda, double meanTeacher,
                                    double? meanTeacherAdaBn = null, int evalImages = 0)
    {
        double gain = dann - sourceOnly, gap = targetOnly - sourceOnly;
        var closed = gap > 0 ? $", closing {Math.Clamp(gain / gap, -9.99, 9.99):P0} of the gap to target-only ({Pct(targetOnly)}, the upper bound)" : "";
        var head = $"{source} → {target}: DANN {Pct(dann)} against source-only {Pct(sourceOnly)} ({Points(gain)}){closed}.";
        var flags = new List<string>();
        if (dann < sourceOnly)
            flags.Add(WithinNoise(dann, sourceOnly, evalImages) is { Length: > 0 } noise
                ? $"{Flag} DANN is below its source-only baseline here{noise}."
                : $"{Flag} DANN is below its source-only baseline here: the adversarial alignment hurt this direction.");
        else if (gain < 0.10) flags.Add($"{Flag} DANN gains less than 10 points over source-only here.");
        if (dann > targetOnly) flags.Add($"{Flag} DANN is above target-only, which should be the upper bound: target-only is undertrained.");
        if (sourceOnly < 0.1 || dann < 0.1) flags.Add($"{Flag} a row is at or below chance (10%).");
        if (uda < dann) flags.Add($"{Flag} the improved UDA model ({Pct(uda)}) is below DANN here{WithinNoise(uda, dann, evalImages)} (see section 6).");
        var beyond = meanTeacher >= dann
            ? $"The mean teacher, beyond the study, reaches {Pct(meanTeacher)} ({Points(meanTeacher - dann)} over DANN{(gap > 0 ? $", {Math.Clamp((meanTeacher - sourceOnly) / gap, -9.99, 9.99):P0} of the gap closed" : "")})."
            : $"{Flag} the mean teacher, beyond the study, reaches only {Pct(meanTeacher)}, {PointsApart(meanTeacher - dann)} below DANN here{WithinNoise(meanTeacher, dann, evalImages)}.";
        var adabn = meanTeacherAdaBn is double a
            ? $"With its batch-norm statistics recalibrated on the target's unlabelled training images (AdaBN: no labels) it reaches {Pct(a)} ({Points(a - dann)} against DANN)" +
              (a - meanTeacher >= 0.03 ? "; the batch-norm statistics it kept did not describe the clean target images, and that is what held it back." : ".")
            : null;
        return string.Join(" ", [head, .. flags, beyond, .. adabn is null ? Array.Empty<string>() : [adabn]]);
    }

    /// <summary>The sentence under the improved UDA's table for one direction.</summary>
    public static string Uda(string source, string target, double uda, double udaSource, double dann)
    {
        if (uda >= dann) return $"{source} → {target}: the improved UDA model reaches {Pct(uda)}, {Points(uda - dann)} over DANN, as in the study.";
        var fit = udaSource < 0.95
            ? $"in this budget it does not even fit the labelled domain ({Pct(udaSource)} on the source's evaluation part, where DANN's small network reaches ~100%)"
            : $"it fits the source ({Pct(udaSource)}) but transfers less";
        return $"{Flag} {source} → {target}: the improved UDA model reaches {Pct(uda)}, {PointsApart(uda - dann)} below DANN, unlike the study. Measured reason: {fit}; " +
               "ImageNet features of these 32x32 drawn digits carry little of the class: with the backbone frozen, the same model reached only 68.0% on the " +
               "source and 18.0% on the target (synth-svhn → synth-mnistm, development seed 7, 8 epochs), so the pretrained backbone, the study's advantage on real " +
               "photographs, is a handicap on these drawings until it is largely re-learnt, and while it is re-learnt against the domain loss the target accuracy " +
               "of successive epochs swings by 20–40 points (development seed 7, 2 + 10 epochs), which the reported average of the last quarter smooths but does not lift to DANN's.";
    }
}
