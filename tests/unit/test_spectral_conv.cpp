#include "core/error.hpp"
#include "operators/layers/factorized_weights.hpp"
#include "operators/layers/spectral_conv.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <complex>

namespace {

using namespace ff::operators;
using cd = std::complex<double>;

std::shared_ptr<SpectralWeightsImpl> weights_for(int in, int out, const std::vector<int>& modes,
                                                 const std::string& factorization = "dense", double rank = 1.0) {
  SpectralWeightsOptions o;
  o.in_channels = in;
  o.out_channels = out;
  o.mode_extent = mode_grid_extent(modes);
  o.factorization = factorization;
  o.rank = rank;
  auto weights = make_spectral_weights(o);
  weights->to(torch::kFloat64);
  return weights;
}

// The layer written out with explicit DFT sums on a 2D grid, independent of
// torch.fft: x̂(k) = Σ_j x_j e^{−2πi k·j/n}, ŷ = W x̂ on the kept modes, and
// the real inverse of a half spectrum, y_j = Re Σ_k c(k) ŷ(k) e^{2πi k·j/n}/N
// with c = 1 on the k_y = 0 (and Nyquist) column and 2 elsewhere.
torch::Tensor direct_spectral_conv_2d(const torch::Tensor& x, const std::vector<int>& modes, SpectralWeightsImpl& w) {
  const int64_t batch = x.size(0), in = x.size(1), nx = x.size(2), ny = x.size(3);
  const int mx = modes[0], my = modes[1];
  const torch::Tensor dense = w.reconstruct(0).detach();
  const int64_t out = dense.size(1);
  auto weight = [&](int block, int64_t i, int64_t o, int64_t kx, int64_t ky) {
    const auto entry = dense.index({i, o, block == 0 ? kx : mx + kx, ky});  // mode grid: [0, m) then [n−m, n)
    return cd(torch::real(entry).item<double>(), torch::imag(entry).item<double>());
  };
  auto xa = x.accessor<double, 4>();
  torch::Tensor y = torch::zeros({batch, out, nx, ny}, torch::kFloat64);
  auto ya = y.accessor<double, 4>();
  const double two_pi = 2 * M_PI;
  for (int64_t b = 0; b < batch; ++b)
    for (int block = 0; block < 2; ++block)
      for (int64_t kxi = 0; kxi < mx; ++kxi)
        for (int64_t ky = 0; ky < my; ++ky) {
          const int64_t kx = block == 0 ? kxi : kxi - mx;  // negative frequencies n−m..n−1
          std::vector<cd> x_hat(in);
          for (int64_t i = 0; i < in; ++i)
            for (int64_t p = 0; p < nx; ++p)
              for (int64_t q = 0; q < ny; ++q)
                x_hat[i] += xa[b][i][p][q] * std::exp(cd(0, -two_pi * (double(kx * p) / nx + double(ky * q) / ny)));
          const double c = (ky == 0 || 2 * ky == ny) ? 1.0 : 2.0;
          for (int64_t o = 0; o < out; ++o) {
            cd y_hat = 0;
            for (int64_t i = 0; i < in; ++i) y_hat += weight(block, i, o, kxi, ky) * x_hat[i];
            for (int64_t p = 0; p < nx; ++p)
              for (int64_t q = 0; q < ny; ++q)
                ya[b][o][p][q] +=
                    c * std::real(y_hat * std::exp(cd(0, two_pi * (double(kx * p) / nx + double(ky * q) / ny)))) /
                    double(nx * ny);
          }
        }
  return y;
}

TEST(SpectralConv, EqualsADirectDft) {
  torch::manual_seed(1);
  const std::vector<int> modes{2, 3};
  auto weights = weights_for(2, 3, modes);
  SpectralConv conv(modes, weights, 0);
  const torch::Tensor x = torch::randn({2, 2, 8, 6}, torch::kFloat64);
  const torch::Tensor y = conv(x);
  const torch::Tensor expected = direct_spectral_conv_2d(x, modes, *weights);
  EXPECT_EQ(y.sizes(), expected.sizes());
  EXPECT_LT((y - expected).abs().max().item<double>(), 1e-13 * expected.abs().max().item<double>());
}

TEST(SpectralConv, OneAndThreeDimensionsKeepOnlyTheirModes) {
  torch::manual_seed(2);
  // A single Fourier mode inside the band passes, one outside is removed.
  for (int d : {1, 3}) {
    SpectralConv conv(std::vector<int>(d, 2), weights_for(1, 1, std::vector<int>(d, 2)), 0);
    std::vector<int64_t> shape{1, 1};
    shape.insert(shape.end(), d, 8);
    const torch::Tensor grid = torch::arange(8, torch::kFloat64) / 8.0;
    std::vector<int64_t> view(d + 2, 1);
    view[2] = 8;
    const torch::Tensor along_first = grid.view(view).expand(shape);
    const torch::Tensor inside = torch::cos(2 * M_PI * along_first), outside = torch::cos(2 * M_PI * 3 * along_first);
    EXPECT_GT(conv(inside).abs().max().item<double>(), 1e-3) << d << "D";
    EXPECT_LT(conv(outside).abs().max().item<double>(), 1e-14) << d << "D";
  }
}

TEST(SpectralConv, GradientsMatchFiniteDifferences) {
  torch::manual_seed(3);
  auto weights = weights_for(2, 2, {2, 2});
  SpectralConv conv(std::vector<int>{2, 2}, weights, 0);
  const torch::Tensor x = torch::randn({1, 2, 6, 6}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor r = torch::randn({1, 2, 6, 6}, torch::kFloat64);
  auto loss = [&] { return (conv(x) * r).sum(); };
  loss().backward();
  const double h = 1e-6;
  std::vector<torch::Tensor> checked{x, weights->parameters()[0]};
  for (auto& t : checked) {
    const torch::Tensor grad = t.grad().clone();
    torch::NoGradGuard no_grad;
    auto flat = t.view(-1);
    for (int64_t i = 0; i < flat.numel(); i += 5) {
      const double saved = flat[i].item<double>();
      flat[i].fill_(saved + h);
      const double up = loss().item<double>();
      flat[i].fill_(saved - h);
      const double down = loss().item<double>();
      flat[i].fill_(saved);
      const double numeric = (up - down) / (2 * h);
      EXPECT_NEAR(grad.view(-1)[i].item<double>(), numeric, 1e-7 * std::max(1.0, std::abs(numeric))) << "entry " << i;
    }
  }
}

TEST(SpectralConv, TooCoarseAGridIsAnInputError) {
  SpectralConv conv(std::vector<int>{12, 12}, weights_for(1, 1, {12, 12}), 0);
  try {
    conv(torch::randn({1, 1, 16, 32}));
    FAIL() << "expected an InputError";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("resolution 16 on axis 0 is too small for 12 Fourier modes"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(conv(torch::randn({1, 2, 32, 32})), ff::InputError);  // wrong channel count
}

// Contracting through the factors equals contracting with the rebuilt dense
// weights, for Tucker and CP, joint and per layer, in 1D, 2D and 3D.
TEST(FactorizedWeights, FactorizedContractionEqualsReconstructed) {
  torch::manual_seed(6);
  for (const bool joint : {true, false})
    for (const std::string kind : {"tucker", "cp"})
      for (int d = 1; d <= 3; ++d) {
        const std::vector<int> modes(d, 3);
        SpectralWeightsOptions o;
        o.layers = 3;
        o.in_channels = 4;
        o.out_channels = 5;
        o.mode_extent = mode_grid_extent(modes);
        o.factorization = kind;
        o.rank = 0.3;
        o.joint = joint;
        auto weights = make_spectral_weights(o);
        weights->to(torch::kFloat64);
        std::vector<int64_t> shape{2, 4};
        shape.insert(shape.end(), o.mode_extent.begin(), o.mode_extent.end());
        const torch::Tensor x = torch::randn(shape, torch::kComplexDouble);
        const std::string m = std::string("xyz").substr(0, d);
        for (int layer = 0; layer < 3; ++layer) {
          const torch::Tensor factorized = weights->contract(layer, x);
          const torch::Tensor dense =
              torch::einsum("bi" + m + ",io" + m + "->bo" + m, {x, weights->reconstruct(layer)});
          EXPECT_LT((factorized - dense).abs().max().item<double>(), 1e-13 * dense.abs().max().item<double>())
              << kind << " " << d << "D layer " << layer << (joint ? " joint" : " per layer");
        }
        EXPECT_LE(weights->parameter_count(), 0.3 * weights->dense_parameter_count()) << kind << " " << d << "D";
      }
}

TEST(FactorizedWeights, RankFractionSetsTheParameterCount) {
  SpectralWeightsOptions o;
  o.layers = 4;
  o.in_channels = o.out_channels = 32;
  o.mode_extent = mode_grid_extent({12, 12});
  o.factorization = "tucker";
  for (double fraction : {0.5, 0.1, 0.02}) {
    o.rank = fraction;
    TuckerSpectralWeights tucker(o);
    const double ratio = double(tucker.parameter_count()) / tucker.dense_parameter_count();
    EXPECT_LE(ratio, fraction);
    EXPECT_GE(ratio, 0.5 * fraction) << "ranks too small for the budget";
  }
  o.ranks = {4, 8, 8, 6, 6};
  EXPECT_EQ(TuckerSpectralWeights(o).ranks(), (std::vector<int64_t>{4, 8, 8, 6, 6}));
  o.ranks = {4, 8, 8, 6};
  EXPECT_THROW(TuckerSpectralWeights{o}, ff::InputError);
}

// Per-layer factorization: each layer its own Tucker tensor with the rank
// fraction as budget, explicit ranks naming [in, out, modes...], and no
// parameter shared between layers.
TEST(FactorizedWeights, PerLayerWeightsAreIndependentAndWithinBudget) {
  SpectralWeightsOptions o;
  o.layers = 3;
  o.in_channels = o.out_channels = 16;
  o.mode_extent = mode_grid_extent({6, 6});
  o.factorization = "tucker";
  o.joint = false;
  o.rank = 0.1;
  auto weights = make_spectral_weights(o);
  const double ratio = double(weights->parameter_count()) / weights->dense_parameter_count();
  EXPECT_LE(ratio, 0.1);
  EXPECT_GE(ratio, 0.05);
  EXPECT_EQ(weights->named_parameters().size(), 3u * (1 + 5));  // a core and 5 factors per layer
  weights->reconstruct(1).abs().sum().backward();
  for (const auto& p : weights->named_parameters()) {
    const bool layer1 = p.key().rfind("layer1.", 0) == 0;
    EXPECT_EQ(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0, layer1) << p.key();
  }
  o.ranks = {8, 8, 6, 4};
  EXPECT_EQ(make_spectral_weights(o)->parameter_count(), 3 * 2 * (8 * 8 * 6 * 4 + 1 + 2 * 16 * 8 + 12 * 6 + 6 * 4));
  o.ranks = {1, 8, 8, 6, 4};  // the joint form: the per-layer tensor has no layer axis
  EXPECT_THROW(make_spectral_weights(o), ff::InputError);
}

}  // namespace
