Console.WriteLine(Adversa.Probe.Version());
var t = TorchSharp.torch.randn(3,3); Console.WriteLine(t.sum().item<float>());
