// The one pseudo-random number generator of Pseudocitizen.
//
// Every random choice the engine makes comes from a Xoshiro256** stream
// (Blackman & Vigna, 2018) whose 256-bit state is filled by SplitMix64 from a
// 64-bit seed. Streams are derived, never shared: a stream for "cluster X,
// column Y" is seeded from hash(recipe seed, purpose, cluster label, column
// name), so results do not depend on the order clusters are processed in, on
// threads, or on the platform. Only 64-bit unsigned integer arithmetic is used,
// which behaves identically natively and in wasm32 (G6).
#pragma once

#include <cstdint>
#include <string_view>

namespace pc {

/// SplitMix64 step: advances `state` and returns the next output.
inline uint64_t splitMix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// FNV-1a 64-bit hash of bytes; used to turn labels and column names into seeds.
inline uint64_t fnv1a64(std::string_view bytes, uint64_t h = 0xCBF29CE484222325ULL) noexcept {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

/// Combines a seed with further parts into a new seed (order-sensitive).
inline uint64_t deriveSeed(uint64_t seed, std::string_view part) noexcept {
  uint64_t s = seed ^ fnv1a64(part);
  return splitMix64(s);
}

/// Xoshiro256**: 64-bit outputs, period 2^256 − 1.
class Rng {
 public:
  explicit Rng(uint64_t seed) noexcept {
    uint64_t sm = seed;
    for (auto& word : s_) word = splitMix64(sm);
  }

  /// Next 64 uniformly distributed bits.
  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, bound) without modulo bias (rejection on the top
  /// bits, Lemire's method without 128-bit multiply). Precondition: bound > 0.
  uint64_t below(uint64_t bound) noexcept {
    // threshold = (2^64 - bound) mod bound = number of values to reject.
    const uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const uint64_t r = next();
      if (r >= threshold) return r % bound;
    }
  }

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

/// Fisher–Yates shuffle of a random-access range with the given stream.
template <typename It>
void shuffleRange(It first, It last, Rng& rng) {
  const auto n = static_cast<uint64_t>(last - first);
  for (uint64_t i = n; i > 1; --i) {
    const uint64_t j = rng.below(i);
    using std::swap;
    swap(first[i - 1], first[j]);
  }
}

}  // namespace pc
