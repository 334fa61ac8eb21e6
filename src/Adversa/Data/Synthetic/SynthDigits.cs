using static TorchSharp.torch;

namespace Adversa.Data.Synthetic;

/// <summary>The two embedded digit domains: no files, deterministic per seed, any size.</summary>
public enum DigitStyle
{
    /// <summary>House-number-like: thick strokes in a flat colour on a coloured background, with neighbouring digits cut off at the edges.</summary>
    Svhn,
    /// <summary>MNIST-M-like: thin handwritten-like strokes blended over random colour textures (|texture - digit|), centred, no clutter.</summary>
    MnistM,
}

/// <summary>The embedded digit domains: synth-svhn and synth-mnistm, deterministic per seed.</summary>
public static class SynthDigits
{
    /// <summary>Side of a generated digit.</summary>
    public const int Size = 32;

    /// <summary><paramref name="count"/> digits of one style, the same for the same seed and split in every process.</summary>
    public static ImageSet Generate(DigitStyle style, int count, long seed, string split = "train")
    {
        int stream = (style == DigitStyle.Svhn ? 11 : 23) + (split == "test" ? 1000 : 0);
        var labels = new long[count];
        var images = PixelCache.Fill(count, 3, Size, Size, (i, row) =>
        {
            var rng = new Random(Canvas.ItemSeed(seed, stream, i));
            int digit = rng.Next(10);
            labels[i] = digit;
            var canvas = style == DigitStyle.Svhn ? DrawSvhn(rng, digit) : DrawMnistM(rng, digit);
            canvas.WriteChw(row, rng, style == DigitStyle.Svhn ? 6f : 3f);
        });
        return new ImageSet(style == DigitStyle.Svhn ? "synth-svhn" : "synth-mnistm", images, tensor(labels));
    }

    static float U(Random r, float lo, float hi) => lo + (float)r.NextDouble() * (hi - lo);

    static (float, float, float) RandomColour(Random r) => (U(r, 20, 235), U(r, 20, 235), U(r, 20, 235));

    static Canvas DrawSvhn(Random r, int digit)
    {
        var c = new Canvas(Size, Size);
        var bg = RandomColour(r);
        var (gx, gy) = (U(r, -1.5f, 1.5f), U(r, -1.5f, 1.5f));
        c.Fill((x, y) => (bg.Item1 + gx * (x - 16), bg.Item2 + gx * (x - 16) + gy * (y - 16), bg.Item3 + gy * (y - 16)));
        // The ink contrasts with the background in brightness, as on real house-number plates.
        float lum = (bg.Item1 + bg.Item2 + bg.Item3) / 3;
        float target = lum > 128 ? U(r, 10, 70) : U(r, 180, 250);
        var ink = (Math.Clamp(target + U(r, -40, 40), 0, 255), Math.Clamp(target + U(r, -40, 40), 0, 255), Math.Clamp(target + U(r, -40, 40), 0, 255));
        float height = U(r, 17, 24), aspect = U(r, 0.55f, 0.8f), thick = U(r, 2.4f, 4.2f), slant = U(r, -0.15f, 0.2f);
        float cx = 16 + U(r, -1.5f, 1.5f), cy = 16 + U(r, -1.5f, 1.5f);
        float spacing = height * aspect + U(r, 2, 5);
        foreach (var side in new[] { -1, 1 })
            if (r.NextDouble() < 0.8)
                Draw(c, StrokeFont.Place(r.Next(10), cx + side * spacing, cy + U(r, -1, 1), height, slant, 0, aspect), thick, ink);
        Draw(c, StrokeFont.Place(digit, cx, cy, height, slant, U(r, -0.1f, 0.1f), aspect), thick, ink);
        return c;
    }

    static Canvas DrawMnistM(Random r, int digit)
    {
        var c = new Canvas(Size, Size);
        // Texture: a coarse random colour grid, bilinearly upsampled, plus oriented stripes.
        var grid = new float[5, 5, 3];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 3; k++) grid[i, j, k] = U(r, 0, 255);
        float fx = U(r, 0.1f, 0.6f), fy = U(r, 0.1f, 0.6f), phase = U(r, 0, 6.28f), amp = U(r, 10, 50);
        c.Fill((x, y) =>
        {
            float gxp = x / 31f * 4, gyp = y / 31f * 4;
            int x0 = Math.Min(3, (int)gxp), y0 = Math.Min(3, (int)gyp);
            float tx = gxp - x0, ty = gyp - y0, stripe = amp * MathF.Sin(fx * x + fy * y + phase);
            float Ch(int k) => (1 - ty) * ((1 - tx) * grid[y0, x0, k] + tx * grid[y0, x0 + 1, k])
                               + ty * ((1 - tx) * grid[y0 + 1, x0, k] + tx * grid[y0 + 1, x0 + 1, k]) + stripe;
            return (Ch(0), Ch(1), Ch(2));
        });
        // The digit as a mask; MNIST-M sets pixel = |texture - 255 * mask|.
        var mask = new Canvas(Size, Size);
        float height = U(r, 18, 23), aspect = U(r, 0.5f, 0.85f), thick = U(r, 1.6f, 2.6f);
        Draw(mask, StrokeFont.Place(digit, 16 + U(r, -2, 2), 16 + U(r, -2, 2), height, U(r, -0.3f, 0.3f), U(r, -0.25f, 0.25f), aspect),
             thick, (255, 255, 255));
        for (int p = 0; p < c.Pixels.Length; p++)
            c.Pixels[p] = MathF.Abs(Math.Clamp(c.Pixels[p], 0, 255) - mask.Pixels[p]);
        return c;
    }

    static void Draw(Canvas c, List<(float, float)[]> strokes, float thickness, (float, float, float) colour)
    {
        foreach (var s in strokes) c.StrokePolyline(s, thickness, colour);
    }
}
