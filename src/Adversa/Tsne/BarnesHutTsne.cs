using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Tsne;

/// <summary>Settings of <see cref="BarnesHutTsne"/>; the defaults are scikit-learn's (1.2).</summary>
public sealed record TsneOptions(
    double Perplexity = 30,
    int Iterations = 1000,
    double EarlyExaggeration = 12,
    int ExaggerationIterations = 250,
    double LearningRate = 0,
    double Theta = 0.5,
    int PcaDimensions = 50,
    long Seed = 0);

/// <summary>A 2-D embedding (row-major N x 2) and the final KL divergence of P from Q.</summary>
public sealed record TsneResult(double[] Embedding, double KlDivergence, double Seconds)
{
    /// <summary>Number of points.</summary>
    public int Count => Embedding.Length / 2;
}

/// <summary>
/// Barnes-Hut t-SNE (van der Maaten 2014), written here because no .NET package offers it:
/// PCA to 50 dimensions, exact k-nearest neighbours (k = 3·perplexity) with tensor operations, per-point
/// binary search for the Gaussian precision that meets the perplexity, symmetrised sparse affinities,
/// then gradient descent with early exaggeration, momentum and per-coordinate gains, the repulsive forces
/// approximated with a quadtree (θ = 0.5). O(N log N) per iteration.
/// </summary>
public static class BarnesHutTsne
{
    /// <summary>Embeds the rows of <paramref name="data"/> in 2-D (PCA to 50 dimensions first when wider).</summary>
    public static TsneResult Fit(Tensor data, TsneOptions? options = null, IProgressSink? progress = null)
    {
        var o = options ?? new TsneOptions();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int n = (int)data.shape[0];
        if (n < 4) throw new Common.AdversaException($"t-SNE needs at least 4 points, got {n}");
        double perplexity = Math.Min(o.Perplexity, (n - 1) / 3.0);
        int k = Math.Min(n - 1, (int)(3 * perplexity + 1));

        using var reduced = Pca(data, o.PcaDimensions);
        var (neighbours, distances) = NearestNeighbours(reduced, k);
        var conditional = Affinities(distances, n, k, perplexity);
        var (rowStart, cols, values) = Symmetrise(neighbours, conditional, n, k);

        var y = InitialLayout(reduced, n);
        double lr = o.LearningRate > 0 ? o.LearningRate : Math.Max(n / o.EarlyExaggeration / 4, 50);
        var update = new double[2 * n];
        var gains = Enumerable.Repeat(1.0, 2 * n).ToArray();
        var grad = new double[2 * n];
        double kl = 0;
        progress?.Start("t-SNE", o.Iterations, "iteration");
        for (int it = 0; it < o.Iterations; it++)
        {
            bool early = it < o.ExaggerationIterations;
            double exaggeration = early ? o.EarlyExaggeration : 1;
            double momentum = early ? 0.5 : 0.8;
            double z = Gradient(y, rowStart, cols, values, exaggeration, o.Theta, grad);
            for (int i = 0; i < 2 * n; i++)
            {
                gains[i] = Math.Sign(grad[i]) != Math.Sign(update[i]) ? gains[i] + 0.2 : Math.Max(0.01, gains[i] * 0.8);
                update[i] = momentum * update[i] - lr * gains[i] * grad[i];
                y[i] += update[i];
            }
            if (it == o.Iterations - 1) kl = KlDivergence(y, rowStart, cols, values, z);
            if (it % 10 == 0) progress?.Update(it + 1);
        }
        progress?.Finish();
        return new TsneResult(y, kl, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Centres the data and projects it on its top principal axes (kept as is when it has no more dimensions).</summary>
    public static Tensor Pca(Tensor data, int dimensions)
    {
        using var scope = NewDisposeScope();
        var x = data.to_type(ScalarType.Float64);
        x = x - x.mean([0]);
        if (x.shape[1] <= dimensions) return x.MoveToOuterDisposeScope();
        var cov = x.t().matmul(x);
        var (_, vectors) = linalg.eigh(cov);
        var top = vectors.narrow(1, vectors.shape[1] - dimensions, dimensions).flip(1);
        return x.matmul(top).MoveToOuterDisposeScope();
    }

    /// <summary>Exact k nearest neighbours by squared Euclidean distance, in row chunks (self excluded).</summary>
    public static (int[] Indices, double[] SquaredDistances) NearestNeighbours(Tensor x, int k)
    {
        int n = (int)x.shape[0];
        var indices = new int[n * k];
        var dist = new double[n * k];
        using var sq = x.pow(2).sum(1);
        for (int start = 0; start < n; start += 1024)
        {
            using var scope = NewDisposeScope();
            int c = Math.Min(1024, n - start);
            var rows = x.narrow(0, start, c);
            var d = (sq.narrow(0, start, c).unsqueeze(1) + sq.unsqueeze(0) - 2 * rows.matmul(x.t())).clamp_min(0);
            d.narrow(1, start, c).diagonal().fill_(double.PositiveInfinity);
            var (values, idx) = d.topk(k, 1, largest: false);
            values.cpu().contiguous().data<double>().CopyTo(dist.AsSpan(start * k, c * k));
            idx.to_type(ScalarType.Int32).cpu().contiguous().data<int>().CopyTo(indices.AsSpan(start * k, c * k));
        }
        return (indices, dist);
    }

    /// <summary>
    /// p(j|i) over each point's k neighbours, with the precision β_i found by bisection so that the entropy
    /// of p(·|i) equals log(perplexity) (natural log) within 1e-5.
    /// </summary>
    public static double[] Affinities(double[] squaredDistances, int n, int k, double perplexity)
    {
        var p = new double[n * k];
        double target = Math.Log(perplexity);
        Parallel.For(0, n, i =>
        {
            var d = squaredDistances.AsSpan(i * k, k);
            var row = p.AsSpan(i * k, k);
            double beta = 1, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
            double dmin = double.MaxValue;
            foreach (var v in d) dmin = Math.Min(dmin, v);
            for (int step = 0; step < 200; step++)
            {
                double sum = 0, weighted = 0;
                for (int j = 0; j < k; j++)
                {
                    row[j] = Math.Exp(-beta * (d[j] - dmin));
                    sum += row[j];
                    weighted += row[j] * (d[j] - dmin);
                }
                double entropy = Math.Log(sum) + beta * weighted / sum;
                for (int j = 0; j < k; j++) row[j] /= sum;
                double diff = entropy - target;
                if (Math.Abs(diff) < 1e-5) break;
                if (diff > 0) { lo = beta; beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2; }
                else { hi = beta; beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2; }
            }
        });
        return p;
    }

    /// <summary>Entropy (natural log) of each row of p(·|i), for tests of the calibration.</summary>
    public static double RowEntropy(double[] p, int i, int k)
    {
        double h = 0;
        for (int j = 0; j < k; j++) if (p[i * k + j] > 0) h -= p[i * k + j] * Math.Log(p[i * k + j]);
        return h;
    }

    /// <summary>p_ij = (p(j|i) + p(i|j)) / 2N as compressed sparse rows.</summary>
    static (int[] RowStart, int[] Cols, double[] Values) Symmetrise(int[] nb, double[] cond, int n, int k)
    {
        var rows = new Dictionary<int, double>[n];
        for (int i = 0; i < n; i++) rows[i] = new Dictionary<int, double>(k * 2);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < k; a++)
            {
                int j = nb[i * k + a];
                double v = cond[i * k + a] / (2.0 * n);
                rows[i][j] = rows[i].GetValueOrDefault(j) + v;
                rows[j][i] = rows[j].GetValueOrDefault(i) + v;
            }
        var rowStart = new int[n + 1];
        for (int i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + rows[i].Count;
        var cols = new int[rowStart[n]];
        var values = new double[rowStart[n]];
        for (int i = 0; i < n; i++)
        {
            int w = rowStart[i];
            foreach (var (j, v) in rows[i].OrderBy(kv => kv.Key)) { cols[w] = j; values[w] = v; w++; }
        }
        return (rowStart, cols, values);
    }

    /// <summary>PCA initialisation (first two components) scaled to standard deviation 1e-4, like scikit-learn.</summary>
    static double[] InitialLayout(Tensor reduced, int n)
    {
        using var scope = NewDisposeScope();
        var two = reduced.narrow(1, 0, Math.Min(2, (int)reduced.shape[1]));
        if (two.shape[1] < 2) two = cat([two, zeros(n, 2 - two.shape[1], dtype: ScalarType.Float64)], 1);
        var scaled = two / (two.select(1, 0).std().item<double>() + 1e-12) * 1e-4;
        return scaled.cpu().contiguous().data<double>().ToArray();
    }

    /// <summary>Fills the gradient; returns Z = Σ_{k≠l} (1 + |y_k - y_l|²)^-1 (Barnes-Hut estimate).</summary>
    static double Gradient(double[] y, int[] rowStart, int[] cols, double[] values, double exaggeration, double theta, double[] grad)
    {
        int n = y.Length / 2;
        var tree = QuadTree.Build(y);
        var repulsive = new double[2 * n];
        var zParts = new double[n];
        Parallel.For(0, n, i =>
        {
            double fx = 0, fy = 0, z = 0;
            tree.Repulsion(y[2 * i], y[2 * i + 1], theta * theta, ref fx, ref fy, ref z);
            repulsive[2 * i] = fx;
            repulsive[2 * i + 1] = fy;
            zParts[i] = z;
        });
        double zSum = 0;
        foreach (var v in zParts) zSum += v;
        Parallel.For(0, n, i =>
        {
            double ax = 0, ay = 0, xi = y[2 * i], yi = y[2 * i + 1];
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
            {
                int j = cols[e];
                double dx = xi - y[2 * j], dy = yi - y[2 * j + 1];
                double q = 1.0 / (1.0 + dx * dx + dy * dy);
                ax += values[e] * q * dx;
                ay += values[e] * q * dy;
            }
            grad[2 * i] = 4 * (exaggeration * ax - repulsive[2 * i] / zSum);
            grad[2 * i + 1] = 4 * (exaggeration * ay - repulsive[2 * i + 1] / zSum);
        });
        return zSum;
    }

    static double KlDivergence(double[] y, int[] rowStart, int[] cols, double[] values, double z)
    {
        double kl = 0;
        int n = y.Length / 2;
        for (int i = 0; i < n; i++)
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++)
            {
                int j = cols[e];
                double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                double q = 1.0 / (1.0 + dx * dx + dy * dy) / z;
                if (values[e] > 0) kl += values[e] * Math.Log(values[e] / Math.Max(q, 1e-300));
            }
        return kl;
    }
}
