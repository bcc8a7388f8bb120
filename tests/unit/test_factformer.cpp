// FactFormer: the factorized attention against the kernel integral it
// factorizes, translation equivariance, the implicit variant's weight
// sharing, and a tiny model that learns 2D advection.
#include "core/error.hpp"
#include "operators/layers/factorized_attention.hpp"
#include "operators/models/factformer/factformer.hpp"
#include "operators/models/factformer/family.hpp"
#include "operators/models/registry.hpp"
#include "operators/training/losses.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace ff::operators {
namespace {

double max_difference(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

FactorizedAttentionOptions small_attention(int dimension, bool parallel) {
  FactorizedAttentionOptions o;
  o.dim = 6;
  o.heads = 2;
  o.dim_head = 3;
  o.kernel_dim = 4;
  o.dimension = dimension;
  o.parallel = parallel;
  return o;
}

// The Kronecker product K_1 ⊗ … ⊗ K_d of one sample's and head's axial
// kernels: the dense [N, N] kernel that the sequential mix applies.
torch::Tensor product_kernel(const std::vector<torch::Tensor>& kernels, int64_t b, int64_t h) {
  torch::Tensor dense = kernels.front()[b][h];
  for (std::size_t a = 1; a < kernels.size(); ++a) dense = torch::kron(dense, kernels[a][b][h]);
  return dense;
}

TEST(FactorizedAttention, SequentialKernelsAreTheProductKernelIntegral) {
  torch::manual_seed(1);
  for (const std::vector<int64_t>& grid : {std::vector<int64_t>{7, 5}, std::vector<int64_t>{4, 3, 5}}) {
    const int d = static_cast<int>(grid.size());
    FactorizedAttention attention(small_attention(d, false));
    attention->to(torch::kFloat64);
    std::vector<int64_t> shape{2};
    shape.insert(shape.end(), grid.begin(), grid.end());
    shape.push_back(6);
    const torch::Tensor u = torch::randn(shape, torch::kFloat64);
    const auto kernels = attention->kernels(u);
    const torch::Tensor v = attention->values(u);
    const torch::Tensor z = attention->mix(kernels, v);
    const int64_t points = v[0][0].numel() / v.size(-1);
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t h = 0; h < 2; ++h) {
        // Row-major flattening of the grid matches the Kronecker order.
        const torch::Tensor dense = product_kernel(kernels, b, h).matmul(v[b][h].reshape({points, -1}));
        EXPECT_LT(max_difference(dense, z[b][h].reshape({points, -1})), 1e-12) << d << "D, sample " << b;
      }
  }
}

TEST(FactorizedAttention, ParallelKernelsActAlongOneAxisEach) {
  torch::manual_seed(2);
  FactorizedAttention attention(small_attention(2, true));
  attention->to(torch::kFloat64);
  const torch::Tensor u = torch::randn({1, 5, 4, 6}, torch::kFloat64);
  const auto kernels = attention->kernels(u);
  const torch::Tensor v = attention->values(u);  // [1, heads, 5, 4, c]
  const torch::Tensor z = attention->mix(kernels, v);
  ASSERT_EQ(z.size(1), 4);  // heads of axis 0, then heads of axis 1
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t j = 0; j < 4; ++j) {
        torch::Tensor along_x = torch::zeros({3}, torch::kFloat64), along_y = torch::zeros({3}, torch::kFloat64);
        for (int64_t k = 0; k < 5; ++k) along_x += kernels[0][0][h][i][k] * v[0][h][k][j];
        for (int64_t k = 0; k < 4; ++k) along_y += kernels[1][0][h][j][k] * v[0][h][i][k];
        EXPECT_LT(max_difference(z[0][h][i][j], along_x), 1e-13);
        EXPECT_LT(max_difference(z[0][2 + h][i][j], along_y), 1e-13);
      }
}

TEST(FactorizedAttention, KernelsDependOnTheOffsetOfConstantProjections) {
  // Rotary encoding of a row-independent query and key gives K(i, j) = f((i − j) mod n).
  const torch::Tensor q = torch::randn({1, 1, 1, 8}, torch::kFloat64).expand({1, 1, 6, 8});
  const torch::Tensor k = torch::randn({1, 1, 1, 8}, torch::kFloat64).expand({1, 1, 6, 8});
  const torch::Tensor kernel = rotary_encoding(q).matmul(rotary_encoding(k).transpose(-1, -2))[0][0];
  for (int64_t i = 0; i < 6; ++i)
    for (int64_t j = 0; j < 6; ++j)
      EXPECT_NEAR(kernel[i][j].item<double>(), kernel[(i + 1) % 6][(j + 1) % 6].item<double>(), 1e-12);
}

FactFormerOptions small_model(int dimension, bool implicit) {
  FactFormerOptions o;
  o.in_channels = 2;
  o.out_channels = 1;
  o.dimension = dimension;
  o.implicit = implicit;
  o.depth = 2;
  o.iterations = 3;
  o.dim = 12;
  o.heads = 2;
  o.dim_head = 4;
  o.kernel_ratio = 2;
  return o;
}

TEST(FactFormer, CommutesWithCircularShiftsOfThePeriodicGrid) {
  torch::manual_seed(3);
  for (bool implicit : {false, true})
    for (const std::vector<int64_t>& grid : {std::vector<int64_t>{8, 6}, std::vector<int64_t>{4, 6, 5}}) {
      const int d = static_cast<int>(grid.size());
      FactFormer model(small_model(d, implicit));
      model->to(torch::kFloat64);
      std::vector<int64_t> shape{2, 2};
      shape.insert(shape.end(), grid.begin(), grid.end());
      const torch::Tensor x = torch::randn(shape, torch::kFloat64);
      std::vector<int64_t> shifts, axes;
      for (int a = 0; a < d; ++a) {
        shifts.push_back(a + 1);
        axes.push_back(2 + a);
      }
      const torch::Tensor shifted_after = torch::roll(model(x), shifts, axes);
      const torch::Tensor shifted_before = model(torch::roll(x, shifts, axes));
      EXPECT_LT(max_difference(shifted_after, shifted_before), 1e-12) << d << "D, implicit " << implicit;
    }
}

TEST(FactFormer, CoordinateChannelsTellTheModelWhereItIs) {
  torch::manual_seed(4);
  FactFormerOptions o = small_model(2, false);
  o.coordinates = true;
  FactFormer model(o);
  model->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({1, 2, 8, 8}, torch::kFloat64);
  const torch::Tensor shifted_after = torch::roll(model(x), {3}, {2});
  const torch::Tensor shifted_before = model(torch::roll(x, {3}, {2}));
  EXPECT_GT(max_difference(shifted_after, shifted_before), 1e-6);
}

TEST(FactFormer, ImplicitVariantIteratesOneSharedBlock) {
  torch::manual_seed(5);
  FactFormer three(small_model(2, true));
  FactFormerOptions once = small_model(2, true);
  once.iterations = 1;
  EXPECT_EQ(three->parameter_count(), FactFormer(once)->parameter_count());
  ASSERT_EQ(three->blocks().size(), 1u);

  three->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({2, 2, 6, 7}, torch::kFloat64);
  FactorizedBlock block = three->blocks().front();
  const torch::Tensor by_hand = three->head(block(block(block(three->lift(x)))));
  EXPECT_LT(max_difference(three(x), by_hand), 1e-13);

  // The explicit model has one block per layer of depth.
  FactFormer explicit_model(small_model(2, false));
  EXPECT_EQ(explicit_model->blocks().size(), 2u);
}

TEST(FactFormer, FamilyBuildsFromItsDescriptionAndRefusesUnsuitableData) {
  const ModelRegistry& registry = model_registry();
  const auto config = registry.from_description(
      "kind: factformer\nimplicit: true\niterations: 2\ndim: 8\nheads: 2\ndim_head: 4\n", "test");
  BuiltModel built = config->build(DataShape{3, 2, 2});
  EXPECT_GT(built.counts.total, 0);
  const torch::Tensor y = built.module.forward(torch::randn({1, 3, 8, 8}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 2, 8, 8}));
  EXPECT_THROW(config->build(DataShape{1, 1, 4}), InputError);
  // A model built for 2D data refuses 3D fields, naming the shape it expects.
  try {
    built.module.forward(torch::randn({1, 3, 4, 4, 4}));
    FAIL() << "a 3D field went through a 2D FactFormer";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("2D grid"), std::string::npos) << e.what();
  }
}

// Smooth random periodic fields on n × n: a few low Fourier modes, each
// field scaled to unit RMS (as a dataset normalizer leaves them; the layer
// norms make a transformer's response to amplitude nonlinear).
torch::Tensor smooth_fields(int64_t count, int64_t n) {
  const torch::Tensor x = torch::arange(n, torch::kFloat64).mul(2 * M_PI / n);
  torch::Tensor fields = torch::zeros({count, 1, n, n}, torch::kFloat64);
  for (int kx = 0; kx <= 2; ++kx)
    for (int ky = -2; ky <= 2; ++ky) {
      const torch::Tensor phase = torch::rand({count, 1, 1, 1}, torch::kFloat64).mul(2 * M_PI);
      const torch::Tensor amplitude = torch::randn({count, 1, 1, 1}, torch::kFloat64).div(1 + kx * kx + ky * ky);
      fields += amplitude * torch::cos(x.view({1, 1, n, 1}) * kx + x.view({1, 1, 1, n}) * ky + phase);
    }
  return fields / fields.square().mean({1, 2, 3}, true).sqrt();
}

// Exact advection by a constant velocity over one time unit: the field
// moved by (sx, sy) grid cells, a Fourier phase shift.
torch::Tensor advected(const torch::Tensor& u, double sx, double sy) {
  const int64_t n = u.size(-1);
  const torch::Tensor k = torch::fft::fftfreq(n, 1.0 / n, torch::kFloat64);
  const torch::Tensor phase = torch::polar(torch::ones({n, n}, torch::kFloat64),
                                           (k.view({n, 1}) * sx + k.view({1, n}) * sy).mul(-2 * M_PI / n));
  return torch::real(torch::fft::ifft2(torch::fft::fft2(u) * phase));
}

// A translation is a separable convolution, which the product of axial
// kernels represents exactly; a small FactFormer learns it from fresh
// random fields at every step.
TEST(FactFormer, LearnsTwoDimensionalAdvection) {
  torch::manual_seed(6);
  const int64_t n = 12;
  const double sx = 2.5, sy = -1.5;
  auto pairs = [&](int64_t count) {
    const torch::Tensor x = smooth_fields(count, n);
    return std::make_pair(x.to(torch::kFloat32), advected(x, sx, sy).to(torch::kFloat32));
  };
  FactFormerOptions o = small_model(2, false);
  o.in_channels = 1;
  o.dim = 16;
  o.dim_head = 8;
  FactFormer model(o);
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-2));
  double first = 0, last = 0;
  const int steps = 400;
  for (int step = 0; step < steps; ++step) {
    const auto [x, y] = pairs(16);
    adam.zero_grad();
    const torch::Tensor loss = relative_lp(model(x), y);
    loss.backward();
    adam.step();
    if (step == 0) first = loss.item<double>();
    last = loss.item<double>();
  }
  torch::NoGradGuard no_grad;
  const auto [x_test, y_test] = pairs(64);
  const double test_error = relative_lp(model(x_test), y_test).item<double>();
  RecordProperty("first_loss", fmt::format("{:.3e}", first));
  RecordProperty("last_loss", fmt::format("{:.3e}", last));
  RecordProperty("test_error", fmt::format("{:.3e}", test_error));
  EXPECT_LT(test_error, first / 10);
  EXPECT_LT(test_error, 0.08);  // 0.04-0.06 here, from 1.0 at the start
}

}  // namespace
}  // namespace ff::operators
