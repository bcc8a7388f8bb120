#include "core/rng.hpp"

namespace ff {
namespace detail {

NormalZiggurat::NormalZiggurat() {
  auto f = [](double x) { return std::exp(-0.5 * x * x); };
  edge[0] = kLayerArea / f(kTailStart);
  height[0] = 0.0;
  edge[1] = kTailStart;
  height[1] = f(kTailStart);
  for (int i = 1; i < kLayers; ++i) {
    // Layer i has area v: its top is at f(edge[i]) + v / edge[i].
    height[i + 1] = height[i] + kLayerArea / edge[i];
    edge[i + 1] = height[i + 1] < 1.0 ? std::sqrt(-2.0 * std::log(height[i + 1])) : 0.0;
  }
  edge[kLayers] = 0.0;
  height[kLayers] = 1.0;
}

const NormalZiggurat& normal_ziggurat() {
  static const NormalZiggurat table;
  return table;
}

}  // namespace detail

// Rejection step for a point outside the core rectangle of its layer (the
// base layer's overflow is the tail beyond r, sampled by Marsaglia's method).
double SampleRng::normal_slow_path(int layer, double x) {
  const auto& z = detail::normal_ziggurat();
  using Z = detail::NormalZiggurat;
  for (;;) {
    if (layer == 0) {
      double a, b;
      do {
        a = -std::log(uniform()) / Z::kTailStart;
        b = -std::log(uniform());
      } while (2.0 * b < a * a);
      return Z::kTailStart + a;
    }
    const double y = z.height[layer] + uniform() * (z.height[layer + 1] - z.height[layer]);
    if (y < std::exp(-0.5 * x * x)) return x;
    // Rejected: draw a fresh point, which usually lands in a core rectangle.
    const std::uint64_t bits = next();
    layer = static_cast<int>(bits & 127);
    x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.edge[layer];
    if (x < z.edge[layer + 1]) return x;
  }
}

}  // namespace ff
