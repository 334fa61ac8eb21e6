using Adversa.Common;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Adversa.Backbones;

/// <summary>
/// Loads a PyTorch torchvision ResNet state_dict (<c>torch.save(model.state_dict(), "resnet34.pth")</c>) into
/// <see cref="ResNet"/> by key name. The classifier (<c>fc.*</c>) is ignored: the backbones here are feature
/// extractors. Any other missing or unexpected key, or a shape mismatch, is a one-line error naming the file.
/// </summary>
public static class TorchvisionResNetLoader
{
    /// <summary>Builds the ResNet <paramref name="arch"/> and loads a torchvision state_dict into it; a missing or unexpected key or a wrong shape is a one-line error naming the file.</summary>
    public static ResNet Load(string path, string arch)
    {
        var net = ResNet.Torchvision(arch);
        if (!File.Exists(path)) throw new AdversaException($"{path}: weights file not found");
        System.Collections.Hashtable loaded;
        try { loaded = PyTorchUnpickler.UnpickleStateDict(path); }
        catch (Exception e) { throw new DataFormatException(path, $"not a PyTorch state_dict file ({e.Message.Split('\n')[0]})", e); }

        var expected = net.state_dict();
        var keys = loaded.Keys.Cast<string>().Where(k => !k.StartsWith("fc.")).ToHashSet();
        var missing = expected.Keys.Where(k => !keys.Contains(k)).ToList();
        var unexpected = keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new DataFormatException(path, $"does not match torchvision {arch}: {missing.Count} missing key(s){Sample(missing)}, {unexpected.Count} unexpected{Sample(unexpected)}");
        using var noGrad = no_grad();
        foreach (var (name, target) in expected)
        {
            var source = (Tensor)loaded[name]!;
            if (!source.shape.SequenceEqual(target.shape))
                throw new DataFormatException(path, $"{name} has shape [{string.Join(',', source.shape)}], {arch} needs [{string.Join(',', target.shape)}]");
            target.copy_(source.to_type(target.dtype));
        }
        net.eval();
        return net;
    }

    static string Sample(List<string> keys) => keys.Count == 0 ? "" : $" (e.g. {string.Join(", ", keys.Take(3))})";
}
