namespace Adversa.Data.Synthetic;

/// <summary>
/// A tiny anti-aliased rasteriser over a float RGB image (values 0..255): just enough shapes
/// (ellipses, thick polylines, arcs) to draw digits and faces procedurally, with no font or native library.
/// </summary>
public sealed class Canvas(int width, int height)
{
    /// <summary>Width in pixels.</summary>
    public int Width { get; } = width;
    /// <summary>Height in pixels.</summary>
    public int Height { get; } = height;
    /// <summary>RGB pixels, row-major, 0-1.</summary>
    public readonly float[] Pixels = new float[width * height * 3];

    /// <summary>Paints every pixel with the colour the function gives for (x, y).</summary>
    public void Fill(Func<int, int, (float R, float G, float B)> colourAt)
    {
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                var (r, g, b) = colourAt(x, y);
                int p = (y * Width + x) * 3;
                Pixels[p] = r; Pixels[p + 1] = g; Pixels[p + 2] = b;
            }
    }

    /// <summary>Blends <paramref name="colour"/> with coverage = clamp(0.5 - signedDistance) per pixel centre.</summary>
    /// <remarks>Only pixels inside <paramref name="box"/> (x0, y0, x1, y1; default: all) are visited.</remarks>
    public void Paint(Func<float, float, float> signedDistance, (float R, float G, float B) colour, float opacity = 1f,
                      (float X0, float Y0, float X1, float Y1)? box = null)
    {
        var (bx0, by0, bx1, by1) = box ?? (0, 0, Width, Height);
        int xs = Math.Max(0, (int)MathF.Floor(bx0) - 1), xe = Math.Min(Width, (int)MathF.Ceiling(bx1) + 1);
        int ys = Math.Max(0, (int)MathF.Floor(by0) - 1), ye = Math.Min(Height, (int)MathF.Ceiling(by1) + 1);
        for (int y = ys; y < ye; y++)
            for (int x = xs; x < xe; x++)
            {
                float a = Math.Clamp(0.5f - signedDistance(x + 0.5f, y + 0.5f), 0f, 1f) * opacity;
                if (a <= 0) continue;
                int p = (y * Width + x) * 3;
                Pixels[p] += a * (colour.R - Pixels[p]);
                Pixels[p + 1] += a * (colour.G - Pixels[p + 1]);
                Pixels[p + 2] += a * (colour.B - Pixels[p + 2]);
            }
    }

    /// <summary>Paints an anti-aliased ellipse.</summary>
    public void FillEllipse(float cx, float cy, float rx, float ry, (float, float, float) colour, float opacity = 1f) =>
        Paint((x, y) => EllipseDistance(x - cx, y - cy, rx, ry), colour, opacity, (cx - rx - 1, cy - ry - 1, cx + rx + 1, cy + ry + 1));

    /// <summary>Paints an anti-aliased polyline of the given thickness.</summary>
    public void StrokePolyline(IReadOnlyList<(float X, float Y)> points, float thickness, (float, float, float) colour, float opacity = 1f) =>
        Paint((x, y) => PolylineDistance(points, x, y) - thickness / 2, colour, opacity, Bounds(points, thickness));

    static (float, float, float, float) Bounds(IReadOnlyList<(float X, float Y)> points, float pad) =>
        (points.Min(p => p.X) - pad, points.Min(p => p.Y) - pad, points.Max(p => p.X) + pad, points.Max(p => p.Y) + pad);

    /// <summary>Approximate signed distance to an axis-aligned ellipse (exact for circles).</summary>
    public static float EllipseDistance(float dx, float dy, float rx, float ry)
    {
        float k = MathF.Sqrt(dx * dx / (rx * rx) + dy * dy / (ry * ry));
        return (k - 1f) * MathF.Min(rx, ry);
    }

    /// <summary>Distance from (x, y) to the nearest segment of the polyline.</summary>
    public static float PolylineDistance(IReadOnlyList<(float X, float Y)> pts, float x, float y)
    {
        float best = float.MaxValue;
        for (int i = 0; i + 1 < pts.Count; i++)
        {
            var (ax, ay) = pts[i];
            var (bx, by) = pts[i + 1];
            float vx = bx - ax, vy = by - ay, wx = x - ax, wy = y - ay;
            float len2 = vx * vx + vy * vy;
            float t = len2 > 0 ? Math.Clamp((wx * vx + wy * vy) / len2, 0f, 1f) : 0f;
            float dx = wx - t * vx, dy = wy - t * vy;
            best = MathF.Min(best, dx * dx + dy * dy);
        }
        return MathF.Sqrt(best);
    }

    /// <summary>Points along an elliptic arc from angle a0 to a1 (radians, y down).</summary>
    public static List<(float, float)> Arc(float cx, float cy, float rx, float ry, float a0, float a1, int segments = 12)
    {
        var pts = new List<(float, float)>(segments + 1);
        for (int i = 0; i <= segments; i++)
        {
            float a = a0 + (a1 - a0) * i / segments;
            pts.Add((cx + rx * MathF.Cos(a), cy + ry * MathF.Sin(a)));
        }
        return pts;
    }

    /// <summary>Adds zero-mean Gaussian noise and writes CHW bytes.</summary>
    public void WriteChw(Span<byte> chw, Random rng, float noise)
    {
        int plane = Width * Height;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++)
            {
                float v = Pixels[p * 3 + c];
                if (noise > 0) v += noise * Gaussian(rng);
                chw[c * plane + p] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
            }
    }

    /// <summary>A standard normal draw from <paramref name="rng"/> (Box-Muller).</summary>
    public static float Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>
    /// A per-item seed that is the same whatever the thread count and in every process (a stable mix of seed,
    /// stream and index; never <see cref="HashCode"/>, which .NET randomises per process).
    /// </summary>
    public static int ItemSeed(long seed, int stream, int index) => Common.StableHash.Seed31(seed, stream, index);
}
