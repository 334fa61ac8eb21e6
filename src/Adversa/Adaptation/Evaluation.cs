using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Adaptation;

/// <summary>Accuracy and per-class accuracy of a classifier on a labelled set.</summary>
public sealed record AccuracyReport(string Data, int Images, double Accuracy, double[] PerClass)
{
    /// <summary>One line: accuracy, count and per-class accuracy.</summary>
    public string Describe() =>
        $"{Data}: accuracy {Accuracy:P2} on {Images:N0} images; per class: {string.Join(" ", PerClass.Select((a, i) => double.IsNaN(a) ? $"{i}:n/a" : $"{i}:{a:P0}"))}" +
        (PerClass.Any(double.IsNaN) ? " (n/a: no image of that class in this part)" : "");
}

/// <summary>Accuracy of a classifier on a labelled image set, with per-class accuracy and the predicted-class shares used to detect collapse.</summary>
public static class Evaluation
{
    /// <summary>Evaluates <paramref name="predict"/> (logits for model-space images) in batches without gradients.</summary>
    public static AccuracyReport Evaluate(Func<Tensor, Tensor> predict, ImageSet set, ImageTransform transform, int batch = 500) =>
        Report(set, PredictLabels(set.Count, (s, n) => predict(transform.Apply(set.Rows(s, n))), batch));

    /// <summary>Arg-max labels of <paramref name="count"/> inputs, <paramref name="logits"/>(start, length) giving one batch's logits; no gradients.</summary>
    public static long[] PredictLabels(int count, Func<int, int, Tensor> logits, int batch = 500)
    {
        using var noGrad = no_grad();
        var predicted = new long[count];
        for (int s = 0; s < count; s += batch)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batch, count - s);
            logits(s, n).argmax(1).cpu().data<long>().CopyTo(predicted.AsSpan(s, n));
        }
        return predicted;
    }

    /// <summary>Accuracy and per-class accuracy of predicted labels against the set's labels.</summary>
    public static AccuracyReport Report(ImageSet set, long[] predicted)
    {
        var labels = set.Labels!.data<long>().ToArray();
        var correct = new double[set.NumClasses];
        var total = new double[set.NumClasses];
        for (int i = 0; i < labels.Length; i++)
        {
            total[labels[i]]++;
            if (predicted[i] == labels[i]) correct[labels[i]]++;
        }
        return new AccuracyReport(set.Name, set.Count, correct.Sum() / Math.Max(1, total.Sum()),
                                  correct.Zip(total, (c, t) => t > 0 ? c / t : double.NaN).ToArray());
    }

    /// <summary>
    /// The share of each class among the arg-max predictions on up to <paramref name="limit"/> images of an unlabelled
    /// set (labels unused): a method that self-trains on the target can collapse onto a few classes, which this shows
    /// without looking at a single target label.
    /// </summary>
    public static double[] PredictedShares(Func<Tensor, Tensor> predict, ImageSet set, ImageTransform transform, int classes, int limit = 2000)
    {
        int n = Math.Min(limit, set.Count);
        var predicted = PredictLabels(n, (s, k) => predict(transform.Apply(set.Rows(s, k))));
        var shares = new double[classes];
        foreach (var p in predicted) shares[p] += 1.0 / Math.Max(1, n);
        return shares;
    }

    /// <summary>
    /// A warning when one class takes more than half of the predictions on unlabelled target images (ten balanced
    /// digit classes give about 10% each), or when a class has all but vanished from them (under a fifth of its share
    /// under uniform classes: 2% of ten; SVHN's rarest digit is ~6%), else null.
    /// </summary>
    public static string? CollapseWarning(double[] shares, string domain)
    {
        int top = Array.IndexOf(shares, shares.Max());
        if (shares[top] > 0.5)
            return $"warning: the model predicts class {top} for {100 * shares[top]:F0}% of {domain}'s unlabelled training images: it has collapsed onto few classes (lower --consistency-weight or raise --confidence)";
        var rare = Enumerable.Range(0, shares.Length).Where(c => shares[c] < 0.2 / shares.Length).ToList();
        return rare.Count == 0 ? null
            : $"warning: the model almost never predicts class{(rare.Count > 1 ? "es" : "")} {string.Join(", ", rare)} " +
              $"({string.Join(", ", rare.Select(c => (100 * shares[c]).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%"))} of {domain}'s unlabelled training images): " +
              "it has merged them into other classes (mean teacher: try --align-distribution; a larger --class-balance did not help on SVHN → MNIST-M)";
    }
}
