using Adversa.Common;
using Adversa.Adaptation;
using Adversa.Dann;
using Adversa.MeanTeacher;
using Adversa.Tests.Fixtures;
using Adversa.Training;
using static TorchSharp.torch;

namespace Adversa.Tests.MeanTeacher;

public class MeanTeacherTests
{
    [Fact]
    public void TheTeacherIsAUniformMeanAtFirstThenAnExponentialMovingAverage()
    {
        var online = nn.Linear(2, 1);
        var teacher = new WeightAverage(nn.Linear(2, 1), decay: 0.5);
        float[] values = [4, 8, 2, 6];
        double expected = 0;
        for (int n = 1; n <= values.Length; n++)
        {
            using (no_grad()) online.weight!.fill_(values[n - 1]);
            teacher.Update(online);
            double step = Math.Max(1.0 / n, 1 - 0.5);
            expected += (values[n - 1] - expected) * step;
            Assert.Equal(expected, ((TorchSharp.Modules.Linear)teacher.Averaged).weight!.mean().item<float>(), 5);
        }
        // 4 -> (4+8)/2 = 6 -> 0.5*6 + 0.5*2 = 4 -> 0.5*4 + 0.5*6 = 5
        Assert.Equal(5.0, expected, 6);
        Assert.Throws<Adversa.Common.AdversaException>(() => new WeightAverage(nn.Linear(2, 1), decay: 1));
    }

    [Fact]
    public void AParametersOnlyTeacherKeepsTheBatchNormStatisticsOfWhatItSawItself()
    {
        var student = nn.BatchNorm1d(2);
        var teacher = new WeightAverage(nn.BatchNorm1d(2), decay: 0.5, parametersOnly: true);
        var own = (TorchSharp.Modules.BatchNorm1d)teacher.Averaged;
        using (no_grad())
        {
            student.weight!.fill_(3);
            student.running_mean!.fill_(-7); // the student's statistics, from other batches than the teacher's
        }
        own.train();
        using (no_grad()) own.forward(tensor(new float[] { 1, 10, 3, 10 }, [2, 2])); // the teacher's own batch: means 2 and 10
        teacher.Update(student);
        Assert.Equal(3f, own.weight!.mean().item<float>(), 6);            // the first update copies the parameters
        Assert.Equal([0.2f, 1.0f], own.running_mean!.data<float>().ToArray()); // momentum 0.1 from 0 towards its own batch, not -7
        var both = new WeightAverage(nn.BatchNorm1d(2), decay: 0.5);
        both.Update(student);
        Assert.Equal(-7f, ((TorchSharp.Modules.BatchNorm1d)both.Averaged).running_mean!.mean().item<float>(), 6); // the default averages buffers too
    }

    [Fact]
    public void TheCleanTeacherSeesTheTargetShiftedButWithoutNoise()
    {
        manual_seed(3);
        using var flat = full([4, 3, 8, 8], 0.25f);
        using var clean = MeanTeacherStep.TeacherView(flat, clean: true);
        using var noisy = MeanTeacherStep.TeacherView(flat, clean: false);
        Assert.Equal(flat.shape, clean.shape);
        Assert.Equal(0.0, (clean - 0.25f).abs().max().item<float>(), 6); // a shifted flat image is the same flat image
        Assert.True(noisy.std().item<float>() > 0.05);                 // the student's view adds Gaussian noise (σ 0.1)
    }

    [Fact]
    public void ALowConfidenceThresholdIsWarnedAboutBecauseTheClassCheckCannotSeeItsHarm()
    {
        Assert.Null(MeanTeacherStep.SettingsWarning(0.9));
        Assert.Null(MeanTeacherStep.SettingsWarning(0.5));
        Assert.Contains("--confidence 0.2 ", MeanTeacherStep.SettingsWarning(0.2));
        Assert.Contains("class check cannot see", MeanTeacherStep.SettingsWarning(0));
    }

    [Fact]
    public void ConsistencyCountsOnlyRowsTheTeacherIsConfidentAboutAndTeachesOnlyTheStudent()
    {
        // Row 0: the teacher is sure of class 0 (p = 0.99); row 1: it hesitates between two classes.
        var teacher = tensor(new float[] { 6, 0, 0, 1, 1, 0 }, [2, 3]).requires_grad_(true);
        var student = zeros([2, 3]).requires_grad_(true);
        var (loss, mask) = MeanTeacherStep.Consistency(student, teacher, threshold: 0.95);
        Assert.Equal(new float[] { 1, 0 }, mask.data<float>().ToArray());
        var pt = nn.functional.softmax(teacher.detach(), 1)[0];
        double expected = ((1.0 / 3 - pt).square().sum().item<float>()) / 2; // row 0's squared difference, averaged over 2 rows
        Assert.Equal(expected, loss.item<float>(), 5);
        loss.backward();
        Assert.True(teacher.grad is null || teacher.grad.abs().sum().item<float>() == 0);
        Assert.True(student.grad!.select(0, 0).abs().sum().item<float>() > 0); // the confident row pulls the student
        Assert.Equal(0f, student.grad.select(0, 1).abs().sum().item<float>());  // the unsure one does not
        // Threshold 1: nothing is confident enough, nothing is learnt from the target.
        Assert.Equal(0f, MeanTeacherStep.Consistency(student, teacher, threshold: 1).Loss.item<float>());
    }

    [Fact]
    public void DistributionAlignmentLiftsTheClassTheTeacherUnderPredicts()
    {
        // Three rows over two classes: the batch's mean probability is (0.7, 0.3), so class 1 is under-predicted.
        var p = tensor(new float[] { 0.9f, 0.1f, 0.6f, 0.4f, 0.6f, 0.4f }, [3, 2]);
        var aligned = MeanTeacherStep.AlignToUniform(p);
        // Row 1: (0.6 / 0.7, 0.4 / 0.3) renormalised = (0.3913, 0.6087): the hesitant row now leans to the rare class.
        Assert.Equal(0.6 / 0.7 / (0.6 / 0.7 + 0.4 / 0.3), aligned[1, 0].item<float>(), 5);
        Assert.Equal(0.4 / 0.3 / (0.6 / 0.7 + 0.4 / 0.3), aligned[1, 1].item<float>(), 5);
        Assert.Equal(new float[] { 1, 1, 1 }, aligned.sum(1).data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
        // A batch that is already balanced is left as it is.
        var balanced = tensor(new float[] { 0.8f, 0.2f, 0.2f, 0.8f }, [2, 2]);
        Assert.True(MeanTeacherStep.AlignToUniform(balanced).allclose(balanced, atol: 1e-6));
        // In the consistency loss it changes which rows are confident: row 0 of the skewed batch stays sure of class 0
        // (0.9 / 0.7 against 0.1 / 0.3: p = 0.794), so with threshold 0.75 only it counts, as before alignment.
        var logits = p.log();
        Assert.Equal(new float[] { 1, 0, 0 }, MeanTeacherStep.Consistency(zeros([3, 2]), logits, threshold: 0.75, align: true).Mask.data<float>().ToArray());
        Assert.Equal(new float[] { 1, 0, 0 }, MeanTeacherStep.Consistency(zeros([3, 2]), logits, threshold: 0.75).Mask.data<float>().ToArray());
        Assert.Equal(new float[] { 0, 0, 0 }, MeanTeacherStep.Consistency(zeros([3, 2]), logits, threshold: 0.85, align: true).Mask.data<float>().ToArray());
        Assert.Equal(new float[] { 1, 0, 0 }, MeanTeacherStep.Consistency(zeros([3, 2]), logits, threshold: 0.85).Mask.data<float>().ToArray());
    }

    [Fact]
    public void ClassBalancePenalisesCollapseAndScalesWithTheConfidentShare()
    {
        var balanced = eye(4) * 10;                           // each class once
        var collapsed = tensor(new float[] { 10, 0, 0, 0 }).repeat(4, 1); // always class 0
        var all = ones(4);
        Assert.True(MeanTeacherStep.ClassBalance(collapsed, all).item<float>() > 2 * MeanTeacherStep.ClassBalance(balanced, all).item<float>());
        var half = tensor(new float[] { 1, 1, 0, 0 });
        Assert.Equal(MeanTeacherStep.ClassBalance(collapsed, all).item<float>() / 2, MeanTeacherStep.ClassBalance(collapsed, half).item<float>(), 5);
        Assert.Equal(0f, MeanTeacherStep.ClassBalance(collapsed, zeros(4)).item<float>());
    }

    [Fact]
    public void CollapseOntoOneClassIsDetectedWithoutLabels()
    {
        Assert.Null(Evaluation.CollapseWarning(Enumerable.Repeat(0.1, 10).ToArray(), "mnistm"));
        var warning = Evaluation.CollapseWarning([0.05, 0.05, 0.7, 0.2, 0, 0, 0, 0, 0, 0], "mnistm");
        Assert.Contains("class 2 for 70%", warning);
        // A model with a huge bias on class 3 predicts 3 everywhere, and the shares say so.
        using var set = new Adversa.Data.ImageSet("x", zeros([50, 1, 4, 4], dtype: ScalarType.Byte), zeros(50, dtype: ScalarType.Int64));
        var shares = Evaluation.PredictedShares(x => tensor(new float[] { 0, 0, 0, 9 }).repeat(x.shape[0], 1), set, new Adversa.Data.ImageTransform(4, 1, Adversa.Data.Normalization.MinusOneToOne), 4);
        Assert.Equal(new[] { 0.0, 0, 0, 1 }, shares.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void AClassThatVanishesFromThePredictionsIsDetectedWithoutLabels()
    {
        // SVHN-like imbalance (rarest digit ~6%) is not a warning; classes 6 and 9 merged into others are.
        Assert.Null(Evaluation.CollapseWarning([0.07, 0.19, 0.14, 0.11, 0.10, 0.09, 0.08, 0.08, 0.07, 0.07], "svhn"));
        var warning = Evaluation.CollapseWarning([0.10, 0.22, 0.14, 0.13, 0.12, 0.10, 0.015, 0.12, 0.07, 0.005], "svhn");
        Assert.Contains("almost never predicts classes 6, 9 (1.5%, 0.5% of svhn's", warning);
        Assert.Contains("class 4 (0.0%", Evaluation.CollapseWarning([0.12, 0.11, 0.11, 0.11, 0, 0.11, 0.11, 0.11, 0.11, 0.11], "mnistm"));
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)] // the strong view draws more random numbers per step (warp, jitter): they too must resume where they stopped
    [InlineData(false, true, false)] // distribution alignment is recorded in the checkpoint's options and resumed with it (it flattens the
                                     // early teacher's one-class batches, so a lower threshold lets rows count in two short epochs)
    [InlineData(false, false, true)] // the clean teacher's own batch-norm statistics live in the checkpoint's "average" module
    public void AnInterruptedMeanTeacherRunResumesExactlyAndReportsItsTeacher(bool strongView, bool align, bool clean)
    {
        using var source = DomainData.Load("synth-svhn", null, 256, 0.1, seed: 6);
        using var target = DomainData.Load("synth-mnistm", null, 200, 0.1, seed: 6);
        DannOptions Options() => new("synth-svhn", "synth-mnistm", AdaptationMethod.MeanTeacher, Epochs: 2, Batch: 32, Seed: 6, Width: 8, Confidence: align ? 0.15 : 0.3, StrongView: strongView, AlignDistribution: align, CleanTeacher: clean);
        using var dirA = new TempDir();
        using var dirB = new TempDir();
        var a = new DannTrainer(source, target, Options());
        var full = TrainingLoop.Run(a, new LoopOptions(2, dirA.Path), NullProgress.Instance);
        Assert.True(full.Completed);
        Assert.Equal(full.Steps, a.Average!.Count); // the teacher follows every step
        Assert.Equal(0.99, a.Average.Decay);
        Assert.True(a.State.History["confident"].Max() > 0); // with a low threshold the target does count

        var b1 = new DannTrainer(source, target, Options());
        Assert.False(TrainingLoop.Run(b1, new LoopOptions(2, dirB.Path, StopAfterSteps: b1.BatchesPerEpoch + 2), NullProgress.Instance).Completed);
        manual_seed(999);
        var b2 = new DannTrainer(source, target, Options());
        Assert.True(TrainingLoop.Run(b2, new LoopOptions(2, dirB.Path, Resume: true), NullProgress.Instance).Completed);
        TensorAssert.SameState(a.Model, b2.Model);
        TensorAssert.SameState(a.Average, b2.Average!);
        Assert.Equal(a.State.History["consistency"], b2.State.History["consistency"]);
        var (loaded, options) = DannRun.LoadModel(full.CheckpointPath);
        Assert.Equal(AdaptationMethod.MeanTeacher, options.Mode);
        Assert.Equal(strongView, options.StrongView);
        Assert.Equal(align, options.AlignDistribution);
        Assert.Equal(clean, options.CleanTeacher);
        Assert.Equal(clean, a.Average.ParametersOnly);
        TensorAssert.SameState(a.Average.Averaged, loaded);
    }
}
