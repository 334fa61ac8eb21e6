using System.Diagnostics;
using Adversa.Common;
using Adversa.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Adversa.Bench;

/// <summary>A progress sink that records the time between consecutive step updates of the training loop.</summary>
sealed class StepClock : IProgressSink
{
    readonly Stopwatch _sw = new();
    double _last;
    public List<double> StepMs { get; } = [];
    public void Reset() => StepMs.Clear();
    public void Start(string title, long total, string unit = "step") { _sw.Restart(); _last = 0; }
    public void Update(long done, IReadOnlyList<(string Name, double Value)>? metrics = null)
    {
        double now = _sw.Elapsed.TotalMilliseconds;
        if (metrics is not null) StepMs.Add(now - _last); // the loop's first Update (position only, no metrics) starts the clock
        _last = now;
    }
    public void Finish() { }
    public void Log(string message) { }
}
