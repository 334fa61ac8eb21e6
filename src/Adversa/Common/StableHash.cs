namespace Adversa.Common;

/// <summary>
/// The one way Adversa derives a number from a seed and indices: SplitMix64 (Steele et al. 2014). Unlike
/// <see cref="HashCode"/>, which .NET randomises per process, it gives the same value in every process, on every
/// machine and in every .NET version, so every "deterministic per seed" claim holds across runs.
/// </summary>
public static class StableHash
{
    /// <summary>The SplitMix64 finaliser of <paramref name="x"/>.</summary>
    public static ulong Mix(ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            return x ^ (x >> 31);
        }
    }

    /// <summary>A 64-bit value for (seed, a, b), mixing each part in turn so that no two inputs collide by simple sums.</summary>
    public static ulong Of(long seed, long a, long b = 0) => unchecked(Mix(Mix(Mix((ulong)seed) ^ (ulong)a) ^ (ulong)b));

    /// <summary>A non-negative 31-bit seed for <see cref="Random"/>(int), whose sequence for a given seed is fixed across .NET versions.</summary>
    public static int Seed31(long seed, long a, long b = 0) => (int)(Of(seed, a, b) >> 33);

    /// <summary>A value in [0, 1) for (seed, index): SplitMix64 of seed * golden ratio + index, 53 bits (the held-out split's
    /// formula since the first release, kept bit for bit so earlier splits stay the same).</summary>
    public static double Unit(long seed, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
