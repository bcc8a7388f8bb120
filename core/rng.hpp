// Counter-based seeding: the random stream of sample i depends only on
// (case seed, stream id, i), so a dataset is identical for any number of MPI
// ranks and any order in which samples are produced.
#pragma once

#include <cmath>
#include <cstdint>

namespace ff {

// SplitMix64 finaliser: a bijective mixer used to expand seeds.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// xoshiro256** generator with explicit, portable normal sampling (the
// standard library's distributions differ between implementations).
class SampleRng {
 public:
  SampleRng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
    std::uint64_t x = splitmix64(seed) ^ splitmix64(stream + 0x632be59bd9b4e019ULL) ^
                      splitmix64(index * 0xd1342543de82ef95ULL + 1);
    for (auto& s : state_) s = x = splitmix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform on (0, 1): 53 random bits, never exactly 0 so log() is safe.
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

  // Standard normal by Box-Muller; the second value of each pair is kept.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double theta = 2.0 * M_PI * uniform();
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace ff
