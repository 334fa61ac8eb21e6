using Adversa.Common;
using Adversa.Adaptation;
using Adversa.Dann;
using Adversa.Tests.Fixtures;
using Adversa.Training;

namespace Adversa.Tests.Dann;

public class DannTrainingTests
{
    /// <summary>
    /// The same DANN run with the reversal switched off (lambda 0: the domain classifier learns, the features ignore it)
    /// and on at the default strength (0.3). With reversal the domain classifier ends around chance, without it near
    /// certainty; the class is still learnt.
    /// </summary>
    [Fact]
    public void ReversalDrivesTheDomainClassifierTowardChanceWhileTheClassIsLearnt()
    {
        using var source = DomainData.Load("synth-svhn", null, 1280, 0.1, seed: 3);
        using var target = DomainData.Load("synth-mnistm", null, 1280, 0.1, seed: 3);
        var final = new Dictionary<double, (double DomainAcc, double DomainLoss, double SourceAcc)>();
        foreach (var lambdaMax in new[] { 0.0, 0.3 })
        {
            using var dir = new TempDir();
            var trainer = new DannTrainer(source, target, new DannOptions("synth-svhn", "synth-mnistm", AdaptationMethod.Dann, Epochs: 3, Batch: 64,
                                                                           LambdaMax: lambdaMax, Seed: 3));
            TrainingLoop.Run(trainer, new LoopOptions(3, dir.Path), NullProgress.Instance);
            double domainAcc = trainer.State.History["domain_acc"].TakeLast(15).Average();
            double domainLoss = trainer.State.History["domain_loss"].TakeLast(15).Average();
            // Source accuracy as measured on the training batches (batch statistics); see the DANN issue's note on
            // evaluation-mode batch norm under the adversarial game.
            final[lambdaMax] = (domainAcc, domainLoss, trainer.State.History["train_acc"].TakeLast(15).Average());
        }
        Assert.True(final[0.0].DomainAcc > 0.9, $"without reversal the domain classifier should win: {final[0.0].DomainAcc:P1}");
        // The game oscillates around chance (CI once ended a window at 26%, i.e. the features had overshot), so the
        // claim is that the domain classifier does not win: accuracy well below the no-reversal run's, loss at or
        // above chance level (ln 2 = 0.69) where without reversal it goes to zero.
        Assert.True(final[0.3].DomainAcc < 0.75, $"with reversal the domain classifier should not win: {final[0.3].DomainAcc:P1}");
        Assert.True(final[0.3].DomainLoss > 0.5 && final[0.0].DomainLoss < 0.3,
                    $"domain loss with reversal {final[0.3].DomainLoss:F3}, without {final[0.0].DomainLoss:F3}");
        // Multi-threaded kernels make the adversarial run differ slightly between machines (48% to 60% seen), so the
        // bound is relative: the class is still learnt, well above chance (10%) and at least half as well as without reversal.
        Assert.True(final[0.3].SourceAcc > 0.3 && final[0.3].SourceAcc > 0.5 * final[0.0].SourceAcc,
                    $"source accuracy with reversal {final[0.3].SourceAcc:P1} (without: {final[0.0].SourceAcc:P1})");
    }
}
