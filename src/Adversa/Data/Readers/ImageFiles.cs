using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>Decodes a list of named image files from a <see cref="FileSource"/> into a uint8 cache, in parallel.</summary>
public static class ImageFiles
{
    /// <summary>
    /// Every image must have the given size after the optional transform; a file of another size is an error
    /// naming that file, unless <paramref name="prepare"/> reshapes it (CelebA's crop and resize).
    /// </summary>
    public static Tensor DecodeAll(FileSource source, IReadOnlyList<string> names, int channels, int height, int width,
                                   Func<byte[], int, int, (byte[] Hwc, int W, int H)>? prepare = null)
    {
        return PixelCache.Fill(names.Count, channels, height, width, (i, row) =>
        {
            var name = names[i];
            var (hwc, w, h) = ImageCodec.Decode(source.ReadAllBytes(name), channels, source.PathOf(name));
            try
            {
                if (prepare is not null) (hwc, w, h) = prepare(hwc, w, h);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(source.PathOf(name), e.Message, e);
            }
            if (w != width || h != height)
                throw new DataFormatException(source.PathOf(name), $"image is {w}x{h}, expected {width}x{height} like the rest of the set");
            ImageOps.HwcToChw(hwc, row, w, h, channels);
        });
    }

    /// <summary>
    /// The preparation for digit images of any size: square ones are resized to <paramref name="size"/>; a non-square one
    /// is refused (resizing would stretch the digit), with the file named by <see cref="DecodeAll"/>.
    /// </summary>
    public static Func<byte[], int, int, (byte[] Hwc, int W, int H)> SquareTo(int size, int channels) => (hwc, w, h) =>
        w == size && h == size ? (hwc, w, h)
        : w == h ? (ImageOps.Resize(hwc, w, h, channels, size, size), size, size)
        : throw new InvalidDataException($"image is {w}x{h}; digit images must be square (they are resized to {size}x{size}, never stretched)");

    /// <summary>Size and channel count of the first image, used to size the cache for sets of unknown geometry.</summary>
    public static (int Width, int Height, int Channels) Probe(FileSource source, string name)
    {
        var bytes = source.ReadAllBytes(name);
        try
        {
            var info = StbImageSharp.ImageInfo.FromStream(new MemoryStream(bytes))
                       ?? throw new DataFormatException(source.PathOf(name), "not a decodable PNG/JPEG image");
            int channels = info.ColorComponents is StbImageSharp.ColorComponents.Grey or StbImageSharp.ColorComponents.GreyAlpha ? 1 : 3;
            return (info.Width, info.Height, channels);
        }
        catch (Exception e) when (e is not AdversaException)
        {
            throw new DataFormatException(source.PathOf(name), $"not a decodable PNG/JPEG image ({e.Message})", e);
        }
    }
}
