using Adversa.Metrics;
using Adversa.Reproduce;

namespace Adversa.Tests.Reproduce;

/// <summary>The report's generated sentences: each contradiction of a baseline is flagged in words, and a result that meets its target is not.</summary>
public class VerdictTests
{
    static int Flags(string sentence) => sentence.Split(Verdict.Flag).Length - 1;

    [Fact]
    public void AdaptationThatBeatsEveryBaselineIsNotFlaggedAndStatesTheGapClosed()
    {
        var s = Verdict.Adaptation("a", "b", sourceOnly: 0.60, dann: 0.80, targetOnly: 1.00, uda: 0.85, meanTeacher: 0.90);
        Assert.Equal(0, Flags(s));
        Assert.Contains("DANN 80.0% against source-only 60.0% (+20.0 points)", s);
        Assert.Contains("closing 50", s);
        Assert.Contains("mean teacher, beyond the study, reaches 90.0% (+10.0 points over DANN", s);
    }

    [Fact]
    public void DannBelowSourceOnlyAndUdaBelowDannAreFlaggedSeparately()
    {
        var s = Verdict.Adaptation("a", "b", sourceOnly: 0.50, dann: 0.45, targetOnly: 0.90, uda: 0.40, meanTeacher: 0.30);
        Assert.Contains("DANN is below its source-only baseline", s);
        Assert.Contains("improved UDA model (40.0%) is below DANN", s);
        Assert.Contains("reaches only 30.0%, 15.0 points below DANN", s);
        Assert.Equal(3, Flags(s));
    }

    [Fact]
    public void AResultBelowItsBaselineByLessThanTheEvaluationNoiseSaysSoInsteadOfClaimingHarm()
    {
        // 490 images, 47.6% against 49.6%: two standard errors of the difference are 2·sqrt(.476·.524/490 + .496·.504/490) = 6.4 points
        Assert.Equal(0.0638, Verdict.NoiseOfDifference(0.476, 0.496, 490), 4);
        var noisy = Verdict.Adaptation("a", "b", sourceOnly: 0.496, dann: 0.476, targetOnly: 0.90, uda: 0.58, meanTeacher: 0.56, evalImages: 490);
        Assert.Contains("DANN is below its source-only baseline here, but by less than this evaluation's noise (two standard errors of a difference on 490 images: 6.4 points), so this one run cannot tell the two apart.", noisy);
        Assert.DoesNotContain("hurt", noisy);
        Assert.Equal(1, Flags(noisy));
        // the same gap on 49,000 images is 0.6 points of noise: the alignment did hurt
        var clear = Verdict.Adaptation("a", "b", sourceOnly: 0.496, dann: 0.476, targetOnly: 0.90, uda: 0.58, meanTeacher: 0.56, evalImages: 49_000);
        Assert.Contains("the adversarial alignment hurt this direction", clear);
        var udaNoisy = Verdict.Adaptation("a", "b", sourceOnly: 0.40, dann: 0.60, targetOnly: 0.90, uda: 0.59, meanTeacher: 0.70, evalImages: 490);
        Assert.Contains("improved UDA model (59.0%) is below DANN here, but by less than this evaluation's noise", udaNoisy);
        // the real study's seed 1, SVHN → MNIST-M: the mean teacher 3 of 490 images below DANN
        var teacherNoisy = Verdict.Adaptation("a", "b", sourceOnly: 0.302, dann: 0.449, targetOnly: 0.888, uda: 0.555, meanTeacher: 0.443, evalImages: 490);
        Assert.Contains("the mean teacher, beyond the study, reaches only 44.3%, 0.6 points below DANN here, but by less than this evaluation's noise", teacherNoisy);
    }

    [Fact]
    public void SmallGainTargetOnlyBelowDannAndChanceAreFlagged()
    {
        var small = Verdict.Adaptation("a", "b", sourceOnly: 0.50, dann: 0.55, targetOnly: 0.90, uda: 0.60, meanTeacher: 0.60);
        Assert.Contains("gains less than 10 points", small);
        var upper = Verdict.Adaptation("a", "b", sourceOnly: 0.50, dann: 0.80, targetOnly: 0.70, uda: 0.90, meanTeacher: 0.90);
        Assert.Contains("target-only is undertrained", upper);
        var chance = Verdict.Adaptation("a", "b", sourceOnly: 0.08, dann: 0.30, targetOnly: 0.90, uda: 0.40, meanTeacher: 0.40);
        Assert.Contains("at or below chance", chance);
    }

    [Fact]
    public void AdaBnSentenceNamesTheBatchNormStatisticsOnlyWhenTheyMadeTheDifference()
    {
        var lifted = Verdict.Adaptation("a", "b", 0.6, 0.9, 1.0, 0.9, meanTeacher: 0.80, meanTeacherAdaBn: 0.93);
        Assert.Contains("93.0% (+3.0 points against DANN); the batch-norm statistics it kept", lifted);
        var same = Verdict.Adaptation("a", "b", 0.6, 0.9, 1.0, 0.9, meanTeacher: 0.91, meanTeacherAdaBn: 0.92);
        Assert.DoesNotContain("batch-norm statistics it kept", same);
    }

    [Fact]
    public void UdaVerdictSaysWhetherTheModelFitTheSource()
    {
        Assert.Equal(0, Flags(Verdict.Uda("a", "b", uda: 0.90, udaSource: 0.99, dann: 0.88)));
        var unfit = Verdict.Uda("a", "b", uda: 0.40, udaSource: 0.87, dann: 0.95);
        Assert.Equal(1, Flags(unfit));
        Assert.Contains("does not even fit the labelled domain (87.0%", unfit);
        var fit = Verdict.Uda("a", "b", uda: 0.85, udaSource: 0.998, dann: 0.895);
        Assert.Contains("4.5 points below DANN", fit);
        Assert.Contains("it fits the source (99.8%) but transfers less", fit);
    }

    [Fact]
    public void ControlVerdictSeparatesAWeakControlFromChanceAndDistrustsAWeakJudge()
    {
        static AttributeControlReport Report(double judge, double flip) => new("Smiling", 100, 20, judge, new AttributeControlScore(500, 1, flip, flip));
        Assert.Equal(0, Flags(Verdict.Control(Report(0.99, 0.95))));
        Assert.Contains("the control is weak", Verdict.Control(Report(0.99, 0.5)));
        Assert.Contains("no better than chance", Verdict.Control(Report(0.99, 0.07)));
        var weakJudge = Verdict.Control(Report(0.90, 0.95));
        Assert.Contains("only 90.0% accuracy (below 95%)", weakJudge);
        Assert.Equal(1, Flags(weakJudge));
    }

    [Fact]
    public void FidVerdictUsesItsTarget()
    {
        Assert.Equal(0, Flags(Verdict.Fid(2.5)));
        Assert.Contains("at most 3x", Verdict.Fid(4));
        Assert.Equal(0, Flags(Verdict.Fid(4, target: 5)));
        Assert.Contains("has learnt the faces' layout", Verdict.Fid(8, target: 5));
        Assert.Contains("has not yet learnt", Verdict.Fid(22.9, target: 5));
    }

    [Fact]
    public void BudgetVerdictFlagsAnOverrunWithItsLongestPartsAndStaysQuietWithoutAWholeRun()
    {
        (string, double)[] parts = [("dcgan", 300), ("uda-a-to-b", 600), ("dann-a-to-b", 100), ("uda-b-to-a", 600), ("tsne", 400)];
        Assert.Equal("That is within this size's budget of 15 minutes on 2 cores.", Verdict.Budget(899, 15, parts, reused: false));
        var over = Verdict.Budget(25 * 60 + 30, 15, parts, reused: false);
        Assert.Equal(1, Flags(over));
        Assert.Contains("by 10.5 min", over);
        Assert.Contains("uda-a-to-b (10.0 min) and uda-b-to-a (10.0 min)", over);
        Assert.Contains("take 60% of the part time", over);
        Assert.Equal("", Verdict.Budget(25 * 60, 15, parts, reused: true));
        Assert.Equal("", Verdict.Budget(25 * 60, null, parts, reused: false));
    }
}
