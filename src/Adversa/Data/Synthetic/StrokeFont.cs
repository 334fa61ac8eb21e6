namespace Adversa.Data.Synthetic;

/// <summary>The ten digits as strokes in a unit box (x right, y down): the glyphs of the synthetic digit domains.</summary>
public static class StrokeFont
{
    /// <summary>Strokes of the digits 0-9 on a unit square: per digit a list of polylines.</summary>
    public static readonly (float X, float Y)[][][] Digits = Build();

    static (float, float)[][][] Build()
    {
        static (float, float)[] P(params float[] xy) =>
            Enumerable.Range(0, xy.Length / 2).Select(i => (xy[2 * i], xy[2 * i + 1])).ToArray();
        static (float, float)[] Loop(float cx, float cy, float rx, float ry) =>
            Canvas.Arc(cx, cy, rx, ry, 0, 2 * MathF.PI, 20).ToArray();
        return
        [
            [Loop(0.5f, 0.5f, 0.32f, 0.44f)],
            [P(0.32f, 0.26f, 0.55f, 0.06f, 0.55f, 0.94f)],
            [P(0.2f, 0.3f, 0.3f, 0.12f, 0.5f, 0.06f, 0.7f, 0.12f, 0.8f, 0.3f, 0.7f, 0.5f, 0.2f, 0.94f, 0.84f, 0.94f)],
            [P(0.2f, 0.1f, 0.78f, 0.1f, 0.45f, 0.45f, 0.7f, 0.55f, 0.8f, 0.72f, 0.66f, 0.9f, 0.42f, 0.95f, 0.2f, 0.86f)],
            [P(0.66f, 0.94f, 0.66f, 0.06f, 0.14f, 0.66f, 0.88f, 0.66f)],
            [P(0.78f, 0.08f, 0.3f, 0.08f, 0.25f, 0.46f, 0.5f, 0.4f, 0.74f, 0.5f, 0.8f, 0.7f, 0.66f, 0.9f, 0.4f, 0.95f, 0.2f, 0.86f)],
            [P(0.72f, 0.1f, 0.46f, 0.1f, 0.28f, 0.36f, 0.22f, 0.66f, 0.3f, 0.88f, 0.5f, 0.95f, 0.7f, 0.87f, 0.77f, 0.68f, 0.66f, 0.52f, 0.45f, 0.5f, 0.26f, 0.62f)],
            [P(0.16f, 0.08f, 0.84f, 0.08f, 0.4f, 0.94f)],
            [Loop(0.5f, 0.28f, 0.22f, 0.2f), Loop(0.5f, 0.7f, 0.27f, 0.24f)],
            [P(0.74f, 0.38f, 0.55f, 0.5f, 0.34f, 0.48f, 0.23f, 0.32f, 0.3f, 0.12f, 0.5f, 0.05f, 0.7f, 0.13f, 0.77f, 0.35f, 0.7f, 0.65f, 0.55f, 0.9f, 0.28f, 0.92f)],
        ];
    }

    /// <summary>The glyph's strokes mapped into pixels by a random affine pose.</summary>
    public static List<(float, float)[]> Place(int digit, float cx, float cy, float height, float slant, float rotation, float aspect)
    {
        float cos = MathF.Cos(rotation), sin = MathF.Sin(rotation);
        var strokes = new List<(float, float)[]>();
        foreach (var stroke in Digits[digit])
            strokes.Add(stroke.Select(p =>
            {
                float u = (p.X - 0.5f) * height * aspect + slant * (0.5f - p.Y) * height;
                float v = (p.Y - 0.5f) * height;
                return (cx + cos * u - sin * v, cy + sin * u + cos * v);
            }).ToArray());
        return strokes;
    }
}
