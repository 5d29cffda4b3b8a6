using System.Numerics;

namespace Paradox.Data;

/// <summary>
/// The PCG32 generator (O'Neill, XSH-RR variant). Used instead of System.Random or libtorch's generator so that a
/// seed gives the same shuffles on every run, .NET version and libtorch version.
/// </summary>
internal struct Pcg32
{
    const ulong Multiplier = 6364136223846793005UL;
    ulong _state;
    readonly ulong _increment;

    /// <summary>Generators with the same seed but different streams give independent sequences.</summary>
    public Pcg32(ulong seed, ulong stream)
    {
        _increment = (stream << 1) | 1;
        _state = 0;
        NextUInt();
        _state += seed;
        NextUInt();
    }

    public uint NextUInt()
    {
        ulong old = _state;
        _state = old * Multiplier + _increment;
        uint xorShifted = (uint)(((old >> 18) ^ old) >> 27);
        return BitOperations.RotateRight(xorShifted, (int)(old >> 59));
    }

    /// <summary>A uniform integer in [0, bound), without modulo bias.</summary>
    public uint NextBelow(uint bound)
    {
        uint threshold = (0u - bound) % bound;
        while (true)
        {
            uint r = NextUInt();
            if (r >= threshold)
                return r % bound;
        }
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle(long[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextBelow((uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
