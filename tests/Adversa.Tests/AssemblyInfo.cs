// TorchSharp's default random generator and thread settings are process-wide: tests that train and compare
// exact weights (resume equality) must not interleave with other tests drawing from the same generator.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
