#pragma once

#include <cstdint>

namespace outpaint {

// Counter-based randomness: the value depends only on the seed and the counters, never on
// which thread asks or in what order, so fills are reproducible for a seed on any machine.
// Mixing function: SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014).
inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class CounterRandom {
 public:
  CounterRandom(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
      : state_(SplitMix64(SplitMix64(SplitMix64(seed ^ 0x6F7574706169ull) ^ a) ^ b) ^ c) {}

  uint64_t Next() { return SplitMix64(state_++); }

  // Uniform integer in [low, high] (inclusive).
  int Range(int low, int high) {
    const uint64_t span = static_cast<uint64_t>(high - low) + 1;
    return low + static_cast<int>(Next() % span);
  }

 private:
  uint64_t state_;
};

}  // namespace outpaint
