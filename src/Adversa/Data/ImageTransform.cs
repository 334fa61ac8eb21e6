using Adversa.Common;
using static TorchSharp.torch;

namespace Adversa.Data;

/// <summary>How uint8 pixels become model inputs.</summary>
public enum Normalization
{
    /// <summary>x/127.5 - 1: the GAN convention (tanh output range).</summary>
    MinusOneToOne,
    /// <summary>x/255.</summary>
    ZeroToOne,
    /// <summary>(x/255 - ImageNet mean) / ImageNet std, RGB: torchvision-pretrained weights.</summary>
    ImageNet,
    /// <summary>BGR order, 0-255 scale minus per-channel means (103.06, 115.90, 123.15): the CNTK ResNet18 ONNX weights.</summary>
    CaffeBgr,
}

/// <summary>How a uint8 batch becomes model input: common size, channel count and normalisation.</summary>
/// <param name="Grayscale">Average colour channels first (then expand back to <paramref name="Channels"/>): removes colour as a domain cue.</param>
public sealed record ImageTransform(int Size, int Channels, Normalization Normalization, bool Grayscale = false)
{
    /// <summary>torchvision's ImageNet mean and standard deviation (RGB, 0-1 scale).</summary>
    public static readonly double[] ImageNetMean = [0.485, 0.456, 0.406], ImageNetStd = [0.229, 0.224, 0.225];
    /// <summary>The ONNX ResNet18's channel means (BGR, 0-255 scale).</summary>
    public static readonly double[] CaffeBgrMean = [103.06, 115.90, 123.15];

    /// <summary>For <see cref="Normalization.CaffeBgr"/>: a [1,3,Size,Size] BGR image subtracted instead of the channel means.</summary>
    public Tensor? MeanImage { get; init; }

    /// <summary>uint8 [B,C,H,W] to float [B,Channels,Size,Size].</summary>
    public Tensor Apply(Tensor bytes)
    {
        using var scope = NewDisposeScope();
        // Bytes travel to the compute device before conversion (a quarter of the float volume).
        var x = bytes.ToDevice().to_type(ScalarType.Float32);
        if (Grayscale && x.shape[1] > 1) x = x.mean([1], keepdim: true);
        if (x.shape[1] != Channels)
            x = Channels == 3 ? x.expand(-1, 3, -1, -1) : x.mean([1], keepdim: true);
        if (x.shape[2] != Size || x.shape[3] != Size)
            x = nn.functional.interpolate(x, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: false,
                                          antialias: x.shape[2] > Size);
        x = Normalization switch
        {
            Normalization.MinusOneToOne => x.div(127.5).sub_(1),
            Normalization.ZeroToOne => x.div(255),
            Normalization.ImageNet => x.div(255).sub_(Column(ImageNetMean)).div_(Column(ImageNetStd)),
            Normalization.CaffeBgr => x.flip(1).sub(MeanImage?.ToDevice() ?? Column(CaffeBgrMean)),
            _ => throw new ArgumentOutOfRangeException(nameof(Normalization)),
        };
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Inverse of <see cref="Apply"/> for display: float model-space images back to uint8 RGB.</summary>
    public Tensor ToBytes(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = Normalization switch
        {
            Normalization.MinusOneToOne => x.add(1).mul_(127.5),
            Normalization.ZeroToOne => x.mul(255),
            Normalization.ImageNet => x.mul(Column(ImageNetStd)).add_(Column(ImageNetMean)).mul_(255),
            _ => x.add(MeanImage?.ToDevice() ?? Column(CaffeBgrMean)).flip(1),
        };
        return y.round().clamp(0, 255).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    static Tensor Column(double[] values) => tensor(values.Select(v => (float)v).ToArray()).view(1, -1, 1, 1).ToDevice();
}
