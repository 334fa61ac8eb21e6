using Adversa.Common;
using System.CommandLine;
using Adversa.Data;
using TorchSharp;

namespace Adversa.Cli.Commands;

/// <summary><c>adversa info</c>: versions, threads, devices and where data is looked for.</summary>
public static class InfoCommand
{
    public static Command Build()
    {
        var dataRoot = CommonOptions.DataRoot();
        var cmd = new Command("info", "Print versions, thread count, device availability and where datasets are looked for").With(dataRoot);
        cmd.SetAction(p =>
        {
            var o = p.InvocationConfiguration.Output;
            var root = DatasetCatalog.ResolveRoot(p.GetValue(dataRoot));
            o.WriteLine($"adversa        {typeof(InfoCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion}");
            o.WriteLine($".NET           {Environment.Version} on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            o.WriteLine($"TorchSharp     {typeof(torch).Assembly.GetName().Version} (LibTorch {torch.__version__}), backend {Runtime.Backend}");
            o.WriteLine($"threads        {torch.get_num_threads()} intra-op, {torch.get_num_interop_threads()} inter-op ({Environment.ProcessorCount} cores)");
            o.WriteLine($"devices        cpu: yes; cuda: {(torch.cuda.is_available() ? $"yes ({torch.cuda.device_count()} device(s))" : $"no ({(Runtime.Backend == "cpu" ? "CPU build" : "no GPU found")})")}");
            o.WriteLine($"data root      {root}{(Directory.Exists(root) ? "" : " (does not exist)")}");
            foreach (var d in DatasetCatalog.All.Where(d => !d.Synthetic))
            {
                var folder = Path.Combine(root, d.Folder);
                o.WriteLine($"  {d.Name,-8} {folder} {(Directory.Exists(folder) ? "found" : "missing")}");
            }
            o.WriteLine("  synthetic: synth-svhn, synth-mnistm, synth-faces (always available)");
            return 0;
        });
        return cmd;
    }
}
