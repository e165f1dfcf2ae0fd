/* hash.h - integer finalizers for hash tables keyed by addresses, tuples and secrets.
 *
 * A finalizer turns a word whose entropy sits in a few bits (sequential addresses, ports)
 * into one whose every bit depends on every input bit, so that a table indexed by the low bits
 * spreads its keys. Both are bijections, cheap (two multiplies), and deterministic across
 * platforms; neither is a cryptographic hash (SYN cookies and proxy secrets mix a secret in
 * first, as Linux's siphash-less fallback paths do, and the simulations need no more).
 *   hash_mix64: the SplitMix64 finalizer (Steele, Lea and Flood, OOPSLA 2014).
 *   hash_mix32: MurmurHash3's fmix32 (Appleby).
 */
#ifndef MCPSIM_SIM_HASH_H
#define MCPSIM_SIM_HASH_H

#include <stdint.h>

static inline uint64_t hash_mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

static inline uint32_t hash_mix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

#endif
