using Adversa.Data;
using static TorchSharp.torch;

namespace Adversa.Dann;

/// <summary>Accuracy and per-class accuracy of a classifier on a labelled set.</summary>
public sealed record AccuracyReport(string Data, int Images, double Accuracy, double[] PerClass)
{
    public string Describe() =>
        $"{Data}: accuracy {Accuracy:P2} on {Images:N0} images; per class: {string.Join(" ", PerClass.Select((a, i) => double.IsNaN(a) ? $"{i}:n/a" : $"{i}:{a:P0}"))}" +
        (PerClass.Any(double.IsNaN) ? " (n/a: no image of that class in this part)" : "");
}

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

    /// <summary>Evaluation-mode accuracy; leaves the model in evaluation mode.</summary>
    public static AccuracyReport Evaluate(DannModel model, ImageSet set)
    {
        model.eval();
        return Evaluate(model.forward, set, model.Transform);
    }
}
