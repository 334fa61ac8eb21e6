using Adversa.Common;
using Onnx;
using static TorchSharp.torch;

namespace Adversa.Backbones;

/// <summary>
/// Imports the weights of a ResNet exported to ONNX with unfolded batch norm (the CNTK ResNet18 of ML.NET's
/// DnnImageFeaturizer package) into <see cref="ResNet"/>. Initializer names there are meaningless
/// (<c>Parameter91</c>...), so convolutions are matched by position: walking the Conv nodes in graph order,
/// 1x1 kernels are the stage projections (<c>layerN.0.downsample.0</c>), every other kernel is the next of
/// conv1, layer1.0.conv1, layer1.0.conv2, ...; each conv's batch norm is the BatchNormalization node that
/// consumes its output.
/// </summary>
public static class OnnxResNetImporter
{
    /// <summary>Parses an ONNX file; a missing or unreadable file is a one-line error naming it.</summary>
    public static ModelProto ReadModel(string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new AdversaException($"{onnxPath}: ONNX model not found");
        // Opened for shared reading: several runs (or tests) may load the backbone at the same time.
        try
        {
            using var file = new FileStream(onnxPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            return ModelProto.Parser.ParseFrom(file);
        }
        catch (Exception e) { throw new DataFormatException(onnxPath, $"not a readable ONNX model ({e.Message})", e); }
    }

    /// <summary>The float values of an initializer, stored either as raw bytes or as a float list.</summary>
    public static float[] Floats(TensorProto source) => source.RawData.Length > 0
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(source.RawData.Span).ToArray()
        : source.FloatData.ToArray();

    /// <summary>Copies the ONNX file's weights into <paramref name="net"/> (batch norm unfolded from the exported scales and biases).</summary>
    public static void Load(ResNet net, string onnxPath)
    {
        var graph = ReadModel(onnxPath).Graph;
        var init = graph.Initializer.ToDictionary(t => t.Name);
        var convs = graph.Node.Where(n => n.OpType == "Conv").ToList();

        var mainNames = new List<string> { "conv1" };
        var projections = new List<string>();
        for (int stage = 1; stage <= 4; stage++)
            for (int block = 0; block < net.Blocks[stage - 1]; block++)
            {
                mainNames.Add($"layer{stage}.{block}.conv1");
                mainNames.Add($"layer{stage}.{block}.conv2");
                if (block == 0 && stage > 1) projections.Add($"layer{stage}.0.downsample.0");
            }

        var state = net.state_dict();
        int nextMain = 0, nextProjection = 0;
        using var noGrad = no_grad();
        foreach (var conv in convs)
        {
            var weight = init[conv.Input[1]];
            bool isProjection = weight.Dims.Count == 4 && weight.Dims[2] == 1 && weight.Dims[3] == 1;
            string convName = isProjection
                ? (nextProjection < projections.Count ? projections[nextProjection++] : throw Mismatch(onnxPath, "more 1x1 convolutions than stage projections"))
                : (nextMain < mainNames.Count ? mainNames[nextMain++] : throw Mismatch(onnxPath, "more convolutions than the ResNet has"));
            Copy(state, $"{convName}.weight", weight, onnxPath);
            var bn = graph.Node.FirstOrDefault(n => n.OpType == "BatchNormalization" && n.Input[0] == conv.Output[0])
                     ?? throw Mismatch(onnxPath, $"no batch norm after the convolution for {convName}");
            string bnName = convName.EndsWith("downsample.0") ? convName[..^1] + "1" : convName.Replace("conv", "bn");
            Copy(state, $"{bnName}.weight", init[bn.Input[1]], onnxPath);
            Copy(state, $"{bnName}.bias", init[bn.Input[2]], onnxPath);
            Copy(state, $"{bnName}.running_mean", init[bn.Input[3]], onnxPath);
            Copy(state, $"{bnName}.running_var", init[bn.Input[4]], onnxPath);
        }
        if (nextMain != mainNames.Count || nextProjection != projections.Count)
            throw Mismatch(onnxPath, $"found {nextMain} of {mainNames.Count} convolutions and {nextProjection} of {projections.Count} projections");
    }

    static void Copy(Dictionary<string, Tensor> state, string name, TensorProto source, string path)
    {
        if (!state.TryGetValue(name, out var target)) throw Mismatch(path, $"the network has no parameter {name}");
        var values = Floats(source);
        if (values.Length != target.numel())
            throw Mismatch(path, $"{name} has {target.numel()} values in the network but {values.Length} in the file");
        using var t = tensor(values).view(target.shape);
        target.copy_(t);
    }

    static DataFormatException Mismatch(string path, string problem) =>
        new(path, $"does not match a ResNet of this shape: {problem}");
}
