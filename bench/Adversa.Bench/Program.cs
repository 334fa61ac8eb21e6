using Adversa.Bench;

// Benchmarks, one per file (NameBenchmark.Run), never part of the test run: `dotnet run -c Release --project bench/Adversa.Bench -- <name> [args]`.
var name = args.FirstOrDefault() ?? "help";
switch (name)
{
    case "gan-raw":
        GanRawBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "64"), int.Parse(args.ElementAtOrDefault(2) ?? "20"));
        break;
    case "gan-loop":
        GanLoopBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "64"), int.Parse(args.ElementAtOrDefault(2) ?? "40"), int.Parse(args.ElementAtOrDefault(3) ?? "10"));
        break;
    case "gan-compare":
        GanCompareBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "64"), int.Parse(args.ElementAtOrDefault(2) ?? "8"), int.Parse(args.ElementAtOrDefault(3) ?? "8"));
        break;
    case "dann-raw":
        DannRawBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "128"), int.Parse(args.ElementAtOrDefault(2) ?? "30"));
        break;
    case "dann-parts":
        DannPartsBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "16"), int.Parse(args.ElementAtOrDefault(2) ?? "40"));
        break;
    case "data":
        DataBenchmark.Run(args.ElementAtOrDefault(1) ?? "../shared/data");
        break;
    case "uda":
        UdaBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "32"), int.Parse(args.ElementAtOrDefault(2) ?? "128"), int.Parse(args.ElementAtOrDefault(3) ?? "10"),
                 args.ElementAtOrDefault(4) == "augment");
        break;
    case "uda-profile":
        UdaProfileBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "1"));
        break;
    case "uda-mean":
        UdaMeanImageBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "256"), args.ElementAtOrDefault(2) ?? "../shared/data");
        break;
    case "tsne":
        TsneBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "10000"), int.Parse(args.ElementAtOrDefault(2) ?? "64"));
        break;
    case "fid-sensitivity":
        FidSensitivityBenchmark.Run(int.Parse(args.ElementAtOrDefault(1) ?? "500"), int.Parse(args.ElementAtOrDefault(2) ?? "64"));
        break;
    case "gan-sampling":
        GanSamplingBenchmark.Run(args[1], int.Parse(args.ElementAtOrDefault(2) ?? "500"), int.Parse(args.ElementAtOrDefault(3) ?? "64"), long.Parse(args.ElementAtOrDefault(4) ?? "1"));
        break;
    default:
        Console.WriteLine("benchmarks: gan-raw [batch] [steps] | gan-loop [batch] [steps] [gc-every] | gan-compare [batch] [steps-per-block] [rounds] | dann-raw [batch] [steps] | dann-parts [width] [steps] | data [data-root] | gan-sampling checkpoint [images-per-set] [feature-size] [seed] | fid-sensitivity [images-per-set] [feature-size] | tsne [points] [dims] | uda [size] [batch] [steps] [augment] | uda-profile [top-stages] | uda-mean [images] [data-root]");
        break;
}
