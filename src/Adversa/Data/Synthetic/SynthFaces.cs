using static TorchSharp.torch;

namespace Adversa.Data.Synthetic;

/// <summary>
/// 64x64 procedurally drawn faces with binary attributes named as in CelebA, so every GAN/ACGAN command
/// runs offline: Smiling (mouth curve), Eyeglasses, Blond_Hair, Male (short vs long hair).
/// </summary>
public static class SynthFaces
{
    /// <summary>Side of a generated face.</summary>
    public const int Size = 64;
    /// <summary>The CelebA attributes the synthetic faces carry.</summary>
    public static readonly string[] AttributeNames = ["Smiling", "Eyeglasses", "Blond_Hair", "Male"];

    /// <param name="force">Optionally fixes one attribute (index into <see cref="AttributeNames"/>) to a value for every face.</param>
    public static ImageSet Generate(int count, long seed, string split = "train", (int Attribute, bool Value)? force = null)
    {
        int stream = split == "test" ? 1037 : 37;
        int a = AttributeNames.Length;
        var attrs = new float[count * a];
        var images = PixelCache.Fill(count, 3, Size, Size, (i, row) =>
        {
            var rng = new Random(Canvas.ItemSeed(seed, stream, i));
            var on = new[] { rng.NextDouble() < 0.5, rng.NextDouble() < 0.3, rng.NextDouble() < 0.35, rng.NextDouble() < 0.45 };
            if (force is var (fa, fv)) on[fa] = fv;
            var (smiling, glasses, blond, male) = (on[0], on[1], on[2], on[3]);
            attrs[i * a] = smiling ? 1 : 0;
            attrs[i * a + 1] = glasses ? 1 : 0;
            attrs[i * a + 2] = blond ? 1 : 0;
            attrs[i * a + 3] = male ? 1 : 0;
            Draw(rng, smiling, glasses, blond, male).WriteChw(row, rng, 4f);
        });
        return new ImageSet("synth-faces", images, null, 0, tensor(attrs, [count, a]), AttributeNames);
    }

    static float U(Random r, float lo, float hi) => lo + (float)r.NextDouble() * (hi - lo);

    static Canvas Draw(Random r, bool smiling, bool glasses, bool blond, bool male)
    {
        var c = new Canvas(Size, Size);
        var bg = (U(r, 40, 220), U(r, 40, 220), U(r, 40, 220));
        float grad = U(r, -1.2f, 1.2f);
        c.Fill((x, y) => (bg.Item1 + grad * (y - 32), bg.Item2 + grad * (y - 32), bg.Item3 + grad * (y - 32)));

        float cx = 32 + U(r, -2.5f, 2.5f), cy = 34 + U(r, -2, 2), rx = U(r, 14, 17), ry = U(r, 18, 21);
        var hair = blond ? (U(r, 200, 240), U(r, 170, 205), U(r, 90, 130)) : (U(r, 25, 90), U(r, 15, 60), U(r, 10, 40));
        if (!male) c.FillEllipse(cx, cy + 4, rx + 6, ry + 8, hair);          // long hair behind the face
        float shade = U(r, 0.55f, 1f);
        var skin = (235 * shade, 190 * shade, 160 * shade);
        c.FillEllipse(cx, cy, rx, ry, skin);
        // Hair on top of the head: a cap for short hair, a fuller fringe for long hair.
        c.Paint((x, y) => MathF.Max(Canvas.EllipseDistance(x - cx, y - (cy - ry * 0.55f), rx + 1.5f, ry * (male ? 0.55f : 0.62f)),
                                    y - (cy - ry * (male ? 0.45f : 0.35f))), hair, 1f, (cx - rx - 3, cy - 2 * ry, cx + rx + 3, cy));

        float eyeY = cy - 2 + U(r, -1, 1), eyeDx = rx * 0.42f;
        var eye = (U(r, 20, 60), U(r, 20, 50), U(r, 20, 50));
        c.FillEllipse(cx - eyeDx, eyeY, 1.8f, 1.4f, eye);
        c.FillEllipse(cx + eyeDx, eyeY, 1.8f, 1.4f, eye);
        if (glasses)
        {
            var frame = (U(r, 0, 40), U(r, 0, 40), U(r, 0, 40));
            foreach (var sx in new[] { -1f, 1f })
                c.Paint((x, y) => MathF.Abs(Canvas.EllipseDistance(x - (cx + sx * eyeDx), y - eyeY, 4.6f, 3.8f)) - 0.7f, frame, 1f,
                        (cx + sx * eyeDx - 6, eyeY - 6, cx + sx * eyeDx + 6, eyeY + 6));
            c.StrokePolyline([(cx - eyeDx + 4.4f, eyeY), (cx + eyeDx - 4.4f, eyeY)], 1.2f, frame);
        }
        c.StrokePolyline([(cx, eyeY + 3), (cx - 1.2f, eyeY + 8), (cx + 0.8f, eyeY + 8.5f)], 1.0f, (skin.Item1 * 0.75f, skin.Item2 * 0.7f, skin.Item3 * 0.7f));

        float mouthY = cy + ry * 0.5f, mouthW = rx * U(r, 0.4f, 0.55f);
        var lips = (U(r, 150, 200), U(r, 50, 80), U(r, 60, 90));
        if (smiling)
        {
            // Open smile: a filled lower half-ellipse with teeth, corners raised.
            c.Paint((x, y) => MathF.Max(Canvas.EllipseDistance(x - cx, y - (mouthY - 1.5f), mouthW, 5f), (mouthY - 1.5f) - y), lips, 1f, (cx - mouthW - 2, mouthY - 4, cx + mouthW + 2, mouthY + 6));
            c.Paint((x, y) => MathF.Max(Canvas.EllipseDistance(x - cx, y - (mouthY - 1.5f), mouthW * 0.8f, 2.6f), (mouthY - 1.5f) - y), (240, 240, 235), 1f, (cx - mouthW - 2, mouthY - 4, cx + mouthW + 2, mouthY + 4));
        }
        else
        {
            float droop = U(r, 0, 1.5f);
            c.StrokePolyline([(cx - mouthW * 0.8f, mouthY + droop), (cx, mouthY), (cx + mouthW * 0.8f, mouthY + droop)], 1.8f, lips);
        }
        return c;
    }
}
