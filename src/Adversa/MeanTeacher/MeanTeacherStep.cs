using Adversa.Adaptation;
using Adversa.Data;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.MeanTeacher;

/// <summary>The mean teacher's own settings (named as the <c>--confidence</c>, <c>--consistency-weight</c>, <c>--class-balance</c>,
/// <c>--adversarial</c>, <c>--lambda-max</c>, <c>--strong-view</c>, <c>--align-distribution</c> and <c>--clean-teacher</c> options of the run that uses it).</summary>
public sealed record MeanTeacherSettings(double Confidence, double ConsistencyWeight, double ClassBalance, bool Adversarial, double LambdaMax, bool StrongView,
                                         bool AlignDistribution, bool CleanTeacher = false);

/// <summary>
/// Self-ensembling for domain adaptation (French, Mackiewicz and Fisher 2018): a student network learns the labelled
/// source with cross-entropy and, on unlabelled target images, to agree with a teacher whose weights are the
/// exponential moving average of the student's (<see cref="Training.WeightAverage"/> with a decay). Student and teacher
/// see two different random augmentations of the same target batch; the squared difference of their class
/// probabilities counts only where the teacher is confident, and a class-balance term keeps the student's average
/// target prediction from collapsing onto a few classes. Source and target go through the student as separate
/// batches, so every batch-norm layer normalises one domain at a time.
/// </summary>
public static class MeanTeacherStep
{
    /// <summary>The consistency loss (mean over the batch of the masked squared probability difference) and the confidence mask.</summary>
    /// <param name="align">Align the teacher's probabilities to a uniform class distribution first (<see cref="AlignToUniform"/>).</param>
    public static (Tensor Loss, Tensor Mask) Consistency(Tensor studentLogits, Tensor teacherLogits, double threshold, bool align = false)
    {
        var student = F.softmax(studentLogits, 1);
        var teacher = F.softmax(teacherLogits.detach(), 1);
        if (align) teacher = AlignToUniform(teacher);
        var mask = teacher.max(1).values.ge(threshold).to_type(studentLogits.dtype);
        var loss = ((student - teacher).square().sum(1) * mask).mean();
        return (loss, mask);
    }

    /// <summary>
    /// Distribution alignment (ReMixMatch, Berthelot et al. 2020; AdaMatch, 2022) towards a uniform class prior: each class
    /// probability is divided by the batch's mean probability of that class and every row renormalised, so a class the
    /// teacher rarely predicts on this batch gains confidence and one it over-predicts loses some. The prior is the same
    /// uniform one the class-balance term assumes; the batch mean makes it stateless (nothing to checkpoint).
    /// </summary>
    public static Tensor AlignToUniform(Tensor probabilities)
    {
        var scaled = probabilities / probabilities.mean([0], keepdim: true).clamp_min(1e-6);
        return scaled / scaled.sum(1, keepdim: true);
    }

    /// <summary>The threshold below which the teacher's guesses count on nearly every target image.</summary>
    public const double LowConfidence = 0.5;

    /// <summary>
    /// A warning for a confidence threshold so low that nearly every target image counts, or null. Such a student learns the
    /// teacher's mistakes without collapsing onto a few classes, so the class-share check cannot see it: measured on synth-mnistm →
    /// synth-svhn (development seed 7, clean teacher, no class balance) 48% with <c>--confidence 0</c> (38% with
    /// <c>--consistency-weight 30</c>) against 95% at 0.9, with every class still predicted.
    /// </summary>
    public static string? SettingsWarning(double confidence) => confidence >= LowConfidence ? null
        : $"warning: with --confidence {confidence.ToString(System.Globalization.CultureInfo.InvariantCulture)} the teacher's guesses count on nearly every target image, so the student learns its mistakes " +
          "without collapsing onto a few classes, which the class check cannot see (measured: 48% at --confidence 0 against 95% at 0.9 on synth-mnistm → synth-svhn); use 0.9 or more";

    /// <summary>
    /// Binary cross-entropy between the student's mean target probability of each class and the uniform 1/C, averaged
    /// over classes and scaled by the share of confident rows (French et al.'s class balance): zero pressure while
    /// the teacher trusts nothing, growing as it trusts more.
    /// </summary>
    public static Tensor ClassBalance(Tensor studentLogits, Tensor mask)
    {
        long classes = studentLogits.shape[1];
        var mean = F.softmax(studentLogits, 1).mean([0]);
        double u = 1.0 / classes;
        var bce = -(mean.add(1e-6).log() * u + (1 - mean).add(1e-6).log() * (1 - u)).mean();
        return bce * mask.mean();
    }

    /// <summary>
    /// What the teacher sees of a target batch: the student's weak view (<see cref="Augment.Consistency"/>: a shift of up to 2 pixels and
    /// Gaussian noise), or with <paramref name="clean"/> the shift alone. The teacher runs in training mode, so with its own statistics
    /// kept (<c>--clean-teacher</c>) the noise-free view is what its running statistics, and so its evaluation, are made of.
    /// </summary>
    public static Tensor TeacherView(Tensor target, bool clean) => clean ? Augment.RandomShift(target, 2) : Augment.Consistency(target);

    /// <summary>
    /// One optimizer step of the student; the teacher (evaluated without gradients, in training mode so its batch norm
    /// uses the target batch's statistics like the student's) gives the targets. Returns the metrics the loop logs.
    /// </summary>
    public static List<(string Name, double Value)> Step<TModel>(optim.Optimizer optimizer, TModel student, TModel teacher,
                                                                 Tensor labelled, Tensor labels, Tensor target, MeanTeacherSettings o, double progress)
        where TModel : nn.Module<Tensor, Tensor>, IAdaptationModel
    {
        var sourceLatent = student.Features(Augment.Consistency(labelled));
        var targetLatent = student.Features(o.StrongView ? Augment.Strong(target) : Augment.Consistency(target));
        var sourceLogits = student.ClassLogits(sourceLatent);
        var studentTarget = student.ClassLogits(targetLatent);
        Tensor teacherTarget;
        using (no_grad())
        {
            teacher.train();
            teacherTarget = teacher.forward(TeacherView(target, o.CleanTeacher));
        }
        var classLoss = F.cross_entropy(sourceLogits, labels);
        var (consistency, mask) = Consistency(studentTarget, teacherTarget, o.Confidence, o.AlignDistribution);
        var balance = ClassBalance(studentTarget, mask);
        var loss = classLoss + o.ConsistencyWeight * consistency + o.ClassBalance * balance;
        List<(string Name, double Value)> adversarial = [];
        if (o.Adversarial)
        {
            // DANN's domain loss on the same two batches, through the reversal layer with DANN's schedule.
            double lambda = o.LambdaMax * GradientReversal.Schedule(progress);
            var domainLogits = cat([student.DomainLogits(sourceLatent, lambda), student.DomainLogits(targetLatent, lambda)], 0);
            var domainLabels = AdversarialStep.DomainLabels(sourceLatent.shape[0], targetLatent.shape[0]);
            var domainLoss = F.cross_entropy(domainLogits, domainLabels);
            loss = loss + domainLoss;
            adversarial = [("domain_loss", domainLoss.item<float>()), ("domain_acc", AdversarialStep.Accuracy(domainLogits, domainLabels)), ("lambda", lambda)];
        }
        loss.backward();
        optimizer.step();
        return
        [
            .. adversarial,
            ("class_loss", classLoss.item<float>()),
            ("consistency", consistency.item<float>()),
            ("class_balance", balance.item<float>()),
            ("confident", mask.mean().item<float>()),
            ("train_acc", AdversarialStep.Accuracy(sourceLogits, labels)),
        ];
    }
}
