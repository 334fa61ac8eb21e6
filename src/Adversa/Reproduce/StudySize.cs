using System.Diagnostics;

namespace Adversa.Reproduce;

/// <summary>How big each part of the reproduction is. <see cref="Quick"/> is the default (the main job).</summary>
/// <param name="AcganCost">Wall time of the ACGAN part relative to one digit direction (for the ordering of parts and the ETA; measured per size).</param>
/// <param name="DcganCost">The same for the DCGAN part.</param>
/// <param name="GanLearningRate">Adam's learning rate for both GANs' generator and discriminator.</param>
/// <param name="UdaLearningRate">Adam's learning rate for the improved UDA's backbone once it fine-tunes (<c>uda train --lr</c>).</param>
/// <param name="BudgetMinutes">The wall clock this size is meant to fit on 2 cores (the report says whether a run did); null: none.</param>
public sealed record StudySize(
    string Name,
    int? Faces, int GanWidth, int GanLatent, int GanEpochs, int GanBatch, int FidSamples, int FidSize,
    int ControlPairs, int ClassifierEpochs,
    int? Digits, int DannEpochs, int DannBatch, int TsnePoints, int TsneIterations,
    int UdaSize, int UdaFrozenEpochs, int UdaFineTuneEpochs, int GanDiscriminatorWidth = 0,
    double GanInstanceNoise = 0.1, string GanDiffAugment = "", bool NeedsRealData = false, double AcganCost = 0.7, double DcganCost = 0.65,
    double GanLearningRate = 2e-4, double UdaLearningRate = 2e-4, int? BudgetMinutes = null)
{
    /// <summary>Seconds per part: what the tests run.</summary>
    public static readonly StudySize Tiny = new(Name: "tiny",
        Faces: 64, GanWidth: 8, GanLatent: 16, GanEpochs: 1, GanBatch: 16, FidSamples: 20, FidSize: 32, ControlPairs: 20, ClassifierEpochs: 1,
        Digits: 256, DannEpochs: 1, DannBatch: 64, TsnePoints: 40, TsneIterations: 250,
        UdaSize: 32, UdaFrozenEpochs: 1, UdaFineTuneEpochs: 1);
    /// <summary>The main job: sized so the whole study runs within 15 minutes on 2 cores (two one-thread parts at a time; 13.6-14.0 minutes
    /// measured on an AMD EPYC, seeds 1-3, 2026-12-02, commit bbc69a3; 24-28 minutes on an Intel Xeon model 167, seeds 1-3, 2026-12-03, commits
    /// 4d8a725 and cba7b64, where the two improved-UDA parts take ~40% of the part time: the budget holds on one of the two CPUs).</summary>
    /// <remarks>GANs: 3,000 faces, 12 epochs of batch 32 (1,125 steps), a discriminator half the generator's width (at equal width
    /// D won outright within this budget: D(G(z)) ~ 0.002), samples from the generator averaged over the second half of training
    /// (development seed 7, 940 steps: FID 7,933 without averaging, 6,915 with it, and recognisable faces only with it).
    /// <para>Improved UDA: 2 frozen + 20 fine-tuning epochs. Development seeds 7 / 8, synth-svhn → synth-mnistm: 2 + 3 gave 57.8% / –,
    /// 2 + 10 87.3 / 78.3%, 2 + 20 92.7 / 91.0%; synth-mnistm → synth-svhn (colour jitter): 2 + 10 88.5 / 82.2%, 2 + 20 97.2 / 98.2%
    /// (DANN seed 7: 87.7 / 94.7%). About 11 s per fine-tuning epoch on one AMD EPYC thread.</para>
    /// <para>D sees every image, real and generated, through differentiable augmentation (colour, translation; Zhao et al. 2020) instead of
    /// instance noise: with instance noise D still won outright on some seeds (seed 2 on an AMD EPYC: D(G(z)) ~ 0 from epoch 2, near-identical
    /// grey faces, Smiling flip 32%). Development seeds 7 / 8, ACGAN: flip 100 / 89.2% with instance noise, 99.6 / 100% with DiffAugment,
    /// FID-ResNet18 9,845 / 8,614 against 6,206 / 6,834 (floor 178), varied faces only with it; DCGAN seed 7: FID 6,355 against 5,862.</para>
    /// <para>Adam at learning rate 5e-4 instead of the study's 2e-4 (2026-12-02, Intel Xeon model 167, one thread each, same steps and time):
    /// DCGAN FID 5,866 → 4,147 (seed 7, floor 159) and 5,718 → 4,409 (seed 8, floor 163); ACGAN seed 7 FID 6,526 → 5,015 with the Smiling
    /// flip at 100% both times. 1e-3 gave 5,235; D at the generator's width (ndf 32) 5,176 at 2e-4 and 3,458 at 5e-4, but 1.7x the time.</para></remarks>
    public static readonly StudySize Quick = new(Name: "quick",
        Faces: 3000, GanWidth: 32, GanLatent: 100, GanEpochs: 12, GanBatch: 32, FidSamples: 500, FidSize: 64, ControlPairs: 500, ClassifierEpochs: 3,
        Digits: 3000, DannEpochs: 16, DannBatch: 128, TsnePoints: 500, TsneIterations: 1000,
        UdaSize: 32, UdaFrozenEpochs: 2, UdaFineTuneEpochs: 20,
        GanDiscriminatorWidth: 16, GanInstanceNoise: 0, GanDiffAugment: "color,translation", AcganCost: 0.3, DcganCost: 0.28, GanLearningRate: 5e-4,
        BudgetMinutes: 15);
    /// <summary>The study's epoch counts and sample sizes on all the data: many hours on a CPU.</summary>
    public static readonly StudySize Full = new(Name: "full",
        Faces: null, GanWidth: 64, GanLatent: 100, GanEpochs: 25, GanBatch: 64, FidSamples: 2500, FidSize: 112, ControlPairs: 1000, ClassifierEpochs: 3,
        Digits: null, DannEpochs: 20, DannBatch: 128, TsnePoints: 1000, TsneIterations: 1000,
        UdaSize: 32, UdaFrozenEpochs: 2, UdaFineTuneEpochs: 10);

    /// <summary>
    /// The study on the real datasets (needs --data-root with celeba/, svhn/ and mnist_m/), sized for a 3-hour budget on 2 cores
    /// (two parts at a time): all 5,340 CelebA faces at the study's width 64 for 20 epochs with differentiable augmentation
    /// (color, translation, cutout) in place of instance noise — the limited-data recipe of Zhao et al. 2020; 1,000 Smiling
    /// pairs; the 5,000 SVHN images we have and the first 5,000 of MNIST-M, 20 epochs per digit run and 2 + 18 epochs of the
    /// improved UDA (the longer fine-tuning measured 52.0% against 49.4% at 2 + 10 on SVHN → MNIST-M). Measured end to end on 2026-12-03
    /// (634aaa1, seed 1, 2 cores, Intel Xeon model 167, alone): 1 h 52 min 25 s wall; the DCGAN 84 min and the ACGAN 86 min (FIDs included)
    /// side by side, then each digit direction 25–26 min; DCGAN FID 18.5x the floor, ACGAN 18.3x, flip 100% (docs/results.md).
    /// <para>Adam at 5e-4 for both GANs since 2026-12-03 (the run before, at the study's 2e-4: 22.9x / 28.1x). Development seed 7, this size's DCGAN
    /// for 8 epochs side by side (Intel Xeon model 167): FID-ResNet18 1,264 (42.4x the floor 29.8) at 2e-4 against 906 (30.4x) at 5e-4,
    /// with faces only at 5e-4; the width-32 ACGAN on CelebA, 12 epochs: Smiling flip 1.4% against 97.1%, FID 54.0x against 45.8x.</para>
    /// <para>The improved UDA's backbone fine-tunes at 4e-4 since 2026-12-03 (before: 2e-4, the study's; 4,500 SVHN images, 2 + 18 epochs, development
    /// seeds 7 and 8, Intel Xeon model 167): SVHN → MNIST-M 57.35 / 54.08% (seed 7 at 2e-4: 54.29%, and 54.69% with
    /// 2 + 30 epochs at 2e-4; reported seeds 1-4 at 2e-4: 52.09 ± 0.42%); MNIST-M → SVHN 58.57% (seed 7) against 56.59 ± 1.16%.</para>
    /// </summary>
    public static readonly StudySize Real = new(Name: "real",
        Faces: null, GanWidth: 64, GanLatent: 100, GanEpochs: 20, GanBatch: 64, FidSamples: 2500, FidSize: 112, ControlPairs: 1000, ClassifierEpochs: 3,
        Digits: 5000, DannEpochs: 20, DannBatch: 128, TsnePoints: 1000, TsneIterations: 1000,
        UdaSize: 32, UdaFrozenEpochs: 2, UdaFineTuneEpochs: 18,
        GanInstanceNoise: 0, GanDiffAugment: "color,translation,cutout", NeedsRealData: true, AcganCost: 2.1, DcganCost: 2.0, GanLearningRate: 5e-4,
        UdaLearningRate: 4e-4, BudgetMinutes: 180);

    /// <summary>Feature maps of the discriminator's first layer (0: as wide as the generator).</summary>
    public int DiscriminatorWidth => GanDiscriminatorWidth > 0 ? GanDiscriminatorWidth : GanWidth;

    /// <summary>The size named <paramref name="name"/>.</summary>
    public static StudySize Parse(string name) => name switch
    {
        "tiny" => Tiny,
        "quick" => Quick,
        "full" => Full,
        "real" => Real,
        _ => throw new Common.AdversaException($"size must be tiny, quick, full or real, not '{name}'"),
    };
}

/// <param name="Jobs">How many chunks of the study run at once, each in its own process with one thread (2 keeps both of a
/// 2-core machine's cores busy); 1 runs everything in this process.</param>
/// <param name="Only">Run only this chunk (what a child process is asked to do) and write no report.</param>
/// <param name="Child">How to start a child process for a chunk (the CLI passes its own command line); null: chunks run in this process.</param>
/// <param name="StartedUtc">When the whole invocation began (a child gets its parent's), to tell reused parts from ones run now.</param>
/// <param name="LogDir">TensorBoard folder: each training run writes its scalars (and GAN sample grids) to LogDir/PART; null: none.</param>
public sealed record StudyOptions(string Out, StudySize Size, string? DataRoot, bool Force, long Seed, int Jobs = 1, string? Only = null,
                                  Func<string, ProcessStartInfo>? Child = null, DateTime? StartedUtc = null, string? LogDir = null);
