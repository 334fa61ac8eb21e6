namespace Adversa.Tsne;

/// <summary>
/// The Barnes-Hut quadtree of t-SNE: each cell keeps its point count and centre of mass, so a far cell's
/// repulsion on a point is computed once for all its points. Stored in flat arrays (no per-node objects).
/// </summary>
sealed class QuadTree
{
    const int MaxDepth = 48;
    readonly List<double> _cx = [], _cy = [], _half = [], _comX = [], _comY = [];
    readonly List<int> _count = [], _firstChild = [], _point = [];
    readonly double[] _y;

    QuadTree(double[] y) => _y = y;

    public static QuadTree Build(double[] y)
    {
        var t = new QuadTree(y);
        int n = y.Length / 2;
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, y[2 * i]); maxX = Math.Max(maxX, y[2 * i]);
            minY = Math.Min(minY, y[2 * i + 1]); maxY = Math.Max(maxY, y[2 * i + 1]);
        }
        double half = Math.Max(maxX - minX, maxY - minY) / 2 + 1e-5;
        t.NewNode((minX + maxX) / 2, (minY + maxY) / 2, half);
        for (int i = 0; i < n; i++) t.Insert(0, i, 0);
        return t;
    }

    int NewNode(double cx, double cy, double half)
    {
        _cx.Add(cx); _cy.Add(cy); _half.Add(half); _comX.Add(0); _comY.Add(0);
        _count.Add(0); _firstChild.Add(-1); _point.Add(-1);
        return _cx.Count - 1;
    }

    void Insert(int node, int p, int depth)
    {
        double px = _y[2 * p], py = _y[2 * p + 1];
        while (true)
        {
            int c = _count[node];
            _comX[node] = (_comX[node] * c + px) / (c + 1);
            _comY[node] = (_comY[node] * c + py) / (c + 1);
            _count[node] = c + 1;
            if (_firstChild[node] < 0)
            {
                if (c == 0) { _point[node] = p; return; }
                if (depth >= MaxDepth) return; // coincident points: keep them aggregated in this leaf
                Subdivide(node);
                int old = _point[node];
                _point[node] = -1;
                int oc = ChildFor(node, _y[2 * old], _y[2 * old + 1]);
                // The old point moves one level down (its mass is already counted in this node).
                _comX[oc] = _y[2 * old]; _comY[oc] = _y[2 * old + 1]; _count[oc] = 1; _point[oc] = old;
            }
            node = ChildFor(node, px, py);
            depth++;
        }
    }

    void Subdivide(int node)
    {
        double h = _half[node] / 2, cx = _cx[node], cy = _cy[node];
        int first = NewNode(cx - h, cy - h, h);
        NewNode(cx + h, cy - h, h);
        NewNode(cx - h, cy + h, h);
        NewNode(cx + h, cy + h, h);
        _firstChild[node] = first;
    }

    int ChildFor(int node, double x, double y) =>
        _firstChild[node] + (x >= _cx[node] ? 1 : 0) + (y >= _cy[node] ? 2 : 0);

    /// <summary>Accumulates Σ q²(y - com)·count and Σ q·count over the tree for a point (q = 1/(1+d²)).</summary>
    public void Repulsion(double x, double y, double theta2, ref double fx, ref double fy, ref double z)
    {
        Span<int> stack = stackalloc int[4 * MaxDepth + 8];
        int top = 0;
        stack[top++] = 0;
        while (top > 0)
        {
            int node = stack[--top];
            int count = _count[node];
            if (count == 0) continue;
            double dx = x - _comX[node], dy = y - _comY[node];
            double d2 = dx * dx + dy * dy;
            double width = 2 * _half[node];
            if (_firstChild[node] < 0 || width * width < theta2 * d2)
            {
                if (d2 < 1e-300 && _firstChild[node] < 0 && count == 1) continue; // the point itself
                double q = 1.0 / (1.0 + d2);
                double mult = count * q;
                z += mult;
                mult *= q;
                fx += mult * dx;
                fy += mult * dy;
                continue;
            }
            int first = _firstChild[node];
            for (int c = 0; c < 4; c++) stack[top++] = first + c;
        }
    }
}
