using Adversa.Common;
using PureHDF;
using static TorchSharp.torch;

namespace Adversa.Data.Readers;

/// <summary>
/// USPS as the widely shared <c>usps.h5</c>: groups <c>/train</c> and <c>/test</c>, each with
/// <c>data</c> float [N,256] (16x16 greyscale, values in [0,1]) and <c>target</c> int [N].
/// </summary>
public static class UspsReader
{
    /// <inheritdoc/>
    public static ImageSet Read(string path, string split, int? limit = null)
    {
        if (!File.Exists(path)) throw new AdversaException($"{path}: file not found");
        float[] data;
        long[] targets;
        try
        {
            using var file = H5File.OpenRead(path);
            var group = $"/{split}";
            if (!file.LinkExists(group)) throw new DataFormatException(path, $"no group '{group}' (this file has: {string.Join(", ", file.Children().Select(c => c.Name))})");
            var dataset = file.Dataset($"{group}/data");
            var dims = dataset.Space.Dimensions;
            if (dims.Length != 2 || dims[1] != 256) throw new DataFormatException(path, $"'{group}/data' must be [N,256], got [{string.Join(',', dims)}]");
            data = dataset.Read<float[]>();
            targets = file.Dataset($"{group}/target").Read<int[]>().Select(t => (long)t).ToArray();
        }
        catch (Exception e) when (e is not AdversaException)
        {
            throw new DataFormatException(path, $"not a readable USPS HDF5 file ({e.Message})", e);
        }
        int n = targets.Length;
        if (data.Length != n * 256) throw new DataFormatException(path, $"{data.Length / 256} images but {n} targets");
        int take = limit is int l ? Math.Min(l, n) : n;
        for (int i = 0; i < take; i++)
            if (targets[i] is < 0 or > 9) throw new DataFormatException(path, $"target {targets[i]} of image {i} is outside 0-9");
        var images = PixelCache.Fill(take, 1, 16, 16, (i, row) =>
        {
            for (int p = 0; p < 256; p++) row[p] = (byte)Math.Clamp(MathF.Round(data[i * 256 + p] * 255f), 0, 255);
        });
        return new ImageSet("usps", images, tensor(targets.AsSpan(0, take).ToArray()));
    }
}
