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
// Inline so the per-value fast paths compile into the sampling loops.
class SampleRng {
 public:
  SampleRng(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
    std::uint64_t x =
        splitmix64(seed) ^ splitmix64(stream + 0x632be59bd9b4e019ULL) ^ splitmix64(index * 0xd1342543de82ef95ULL + 1);
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

  // Standard normal by the ziggurat method of Marsaglia and Tsang (2000)
  // with 128 layers: one 64-bit draw and one comparison for ~99% of values.
  double normal();

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double normal_slow_path(int layer, double x);
  std::uint64_t state_[4];
};

}  // namespace ff

namespace ff {
namespace detail {

// Ziggurat for exp(-x²/2): layer i >= 1 is the rectangle [0, edge[i]] x
// [f(edge[i]), f(edge[i+1])]; all layers and the base strip plus tail have
// the same area, so a layer is picked uniformly.
struct NormalZiggurat {
  static constexpr int kLayers = 128;
  static constexpr double kTailStart = 3.442619855899;       // edge[1] = r
  static constexpr double kLayerArea = 9.91256303526217e-3;  // v
  double edge[kLayers + 1];                                  // edge[0] = v / f(r): base strip width including the tail
  double height[kLayers + 1];                                // f(edge[i])
  NormalZiggurat();
};

const NormalZiggurat& normal_ziggurat();

}  // namespace detail

inline double SampleRng::normal() {
  const auto& z = detail::normal_ziggurat();
  const std::uint64_t bits = next();
  const int layer = static_cast<int>(bits & 127);
  const double sign = (bits & 128) ? -1.0 : 1.0;
  const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.edge[layer];
  if (x < z.edge[layer + 1]) return sign * x;  // inside the layer's core rectangle
  return sign * normal_slow_path(layer, x);
}

}  // namespace ff
