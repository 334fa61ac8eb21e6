using static TorchSharp.torch;

namespace Adversa.Tsne;

/// <summary>
/// Trustworthiness of an embedding (Venna &amp; Kaski; scikit-learn's definition): 1 minus a penalty for points that
/// are among a point's k nearest neighbours in the embedding but not in the original space, weighted by how far
/// down the original ranking they are. 1 is perfect; about 0.5 is random.
/// </summary>
public static class Trustworthiness
{
    /// <summary>How well the embedding keeps each point's <paramref name="k"/> nearest neighbours (1: perfectly).</summary>
    public static double Compute(Tensor original, double[] embedding, int k = 5)
    {
        int n = (int)original.shape[0];
        using var x = original.to_type(ScalarType.Float64);
        using var e = tensor(embedding).view(n, 2);
        using var sqX = x.pow(2).sum(1);
        using var sqE = e.pow(2).sum(1);
        double penalty = 0;
        for (int start = 0; start < n; start += 512)
        {
            using var scope = NewDisposeScope();
            int c = Math.Min(512, n - start);
            var dE = (sqE.narrow(0, start, c).unsqueeze(1) + sqE.unsqueeze(0) - 2 * e.narrow(0, start, c).matmul(e.t()));
            dE.narrow(1, start, c).diagonal().fill_(double.PositiveInfinity);
            var embeddedNeighbours = dE.topk(k, 1, largest: false).indexes;             // [c, k]
            var dX = (sqX.narrow(0, start, c).unsqueeze(1) + sqX.unsqueeze(0) - 2 * x.narrow(0, start, c).matmul(x.t())).clamp_min(0);
            dX.narrow(1, start, c).diagonal().fill_(-1.0);                                 // self ranks first, never counted
            var dToNeighbours = dX.gather(1, embeddedNeighbours);                       // [c, k]
            // rank r(i,j) = number of points strictly closer to i than j in the original space (self excluded) + 1
            var closer = dX.unsqueeze(1).lt(dToNeighbours.unsqueeze(2)).sum(2) - 1;     // [c, k], self removed
            var rank = closer + 1;
            penalty += (rank - k).clamp_min(0).sum().item<long>();
        }
        return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
    }
}
