#include "core/error.hpp"
#include "operators/training/losses.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace {

using namespace ff::operators;

torch::Tensor wave(int64_t n, double k) {
  return torch::sin(2 * M_PI * k * torch::arange(n, torch::kFloat64) / n).view({1, 1, n});
}

TEST(Losses, RelativeL2IsPerSampleThenAveraged) {
  const auto v = torch::stack({wave(32, 1), 10 * wave(32, 2)}).squeeze(1);  // [2, 1, 32]
  EXPECT_DOUBLE_EQ(relative_lp(v, v).item<double>(), 0.0);
  // 10 % on sample 0 and 30 % on sample 1 average to 20 %, whatever the scales.
  const auto u = v * torch::tensor({1.1, 1.3}, torch::kFloat64).view({2, 1, 1});
  EXPECT_NEAR(relative_lp(u, v).item<double>(), 0.2, 1e-14);
  EXPECT_THROW(relative_lp(u, v.narrow(2, 0, 16)), ff::InputError);
}

TEST(Losses, RelativeH1WeighsGradients) {
  // ‖sin 2πkx‖²_H1 ∝ 1 + 4π²k²: an error 0.1·sin(6πx) on sin(2πx) is
  // 0.1·sqrt((1 + 36π²)/(1 + 4π²)) in H1 but 0.1 in L2.
  const auto v = wave(64, 1), u = v + 0.1 * wave(64, 3);
  EXPECT_NEAR(relative_lp(u, v).item<double>(), 0.1, 1e-13);
  const double expected = 0.1 * std::sqrt((1 + 36 * M_PI * M_PI) / (1 + 4 * M_PI * M_PI));
  EXPECT_NEAR(relative_h1(u, v).item<double>(), expected, 1e-12);
  // In 2D the gradient weight adds the wavenumbers of both axes.
  const int64_t n = 16;
  const auto x = (torch::arange(n, torch::kFloat64) / n).view({n, 1}).expand({n, n});
  const auto y = (torch::arange(n, torch::kFloat64) / n).view({1, n}).expand({n, n});
  const auto base = torch::cos(2 * M_PI * x).view({1, 1, n, n});
  const auto error = 0.01 * torch::cos(2 * M_PI * (x + 2 * y)).view({1, 1, n, n});
  const double expected_2d = 0.01 * std::sqrt((1 + 20 * M_PI * M_PI) / (1 + 4 * M_PI * M_PI));
  EXPECT_NEAR(relative_h1(base + error, base).item<double>(), expected_2d, 1e-12);
}

}  // namespace
