namespace Adversa.Adaptation;

/// <summary>
/// What a digit-adaptation run trains: the two baselines, the study's DANN, and the teacher–student method that goes
/// beyond it. Written by name in result files (<c>"mode": "mean-teacher"</c>); checkpoints from before names still read.
/// </summary>
public enum AdaptationMethod
{
    /// <summary>Trained on labelled source images only: the lower bound.</summary>
    SourceOnly,
    /// <summary>Domain-adversarial training (Ganin et al. 2016), the study's method.</summary>
    Dann,
    /// <summary>Trained on labelled target images: the upper bound.</summary>
    TargetOnly,
    /// <summary>Self-ensembling (French et al. 2018): an averaged teacher's confident target predictions train the student.</summary>
    MeanTeacher,
}

/// <summary>The methods' names as the CLI and files write them (<c>source-only</c>, <c>dann</c>, ...).</summary>
public static class AdaptationMethods
{
    /// <summary>Every method by its command-line name, in table order.</summary>
    public static readonly string[] Names = ["source-only", "dann", "target-only", "mean-teacher"];

    /// <summary>The name of <paramref name="method"/>.</summary>
    public static string Name(AdaptationMethod method) => Names[(int)method];

    /// <summary>The method named <paramref name="text"/>; a one-line error lists the names otherwise.</summary>
    public static AdaptationMethod Parse(string text)
    {
        int i = Array.IndexOf(Names, text.ToLowerInvariant());
        return i >= 0 ? (AdaptationMethod)i : throw new Common.AdversaException($"--mode must be {string.Join(", ", Names)}, not '{text}'");
    }

    /// <summary>Whether the method trains on unlabelled target images beside the labelled ones.</summary>
    public static bool UsesUnlabelledTarget(AdaptationMethod method) => method is AdaptationMethod.Dann or AdaptationMethod.MeanTeacher;
}
