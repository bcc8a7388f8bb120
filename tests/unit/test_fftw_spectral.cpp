// The FFTW path of the Fourier layer (fftw_spectral.hpp) against the LibTorch
// one (SpectralConvImpl::forward_reference, itself tested against direct DFT
// sums in test_spectral_conv.cpp): same outputs and gradients to float32
// round-off, on grids that exercise odd sizes, a kept Nyquist column and
// batches that fill the FFT row blocks unevenly.
#include "core/error.hpp"
#include "operators/layers/fftw_spectral.hpp"
#include "operators/layers/kept_mode_fft.hpp"
#include "operators/layers/mode_gemm.hpp"
#include "operators/layers/spectral_conv.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>

namespace {

using namespace ff::operators;

struct LayerCase {
  std::vector<int64_t> grid;
  std::vector<int> modes;
  int64_t batch, in, out;
  std::string factorization;
};

std::ostream& operator<<(std::ostream& os, const LayerCase& c) {
  os << "grid";
  for (auto n : c.grid) os << " " << n;
  os << ", modes";
  for (auto m : c.modes) os << " " << m;
  return os << ", batch " << c.batch << ", " << c.in << "->" << c.out << " " << c.factorization;
}

double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max()).item<double>();
}

struct Pass {
  torch::Tensor y, grad_x;
  std::vector<torch::Tensor> grad_weights;
};

class FftwSpectralPath : public ::testing::TestWithParam<LayerCase> {};

TEST_P(FftwSpectralPath, MatchesLibTorchOutputsAndGradients) {
  const LayerCase& c = GetParam();
  torch::manual_seed(11);
  SpectralWeightsOptions o;
  o.in_channels = c.in;
  o.out_channels = c.out;
  o.mode_extent = mode_grid_extent(c.modes);
  o.factorization = c.factorization;
  o.rank = 0.5;
  auto weights = make_spectral_weights(o);
  SpectralConv layer(c.modes, weights, 0);
  std::vector<int64_t> shape{c.batch, c.in};
  shape.insert(shape.end(), c.grid.begin(), c.grid.end());
  const torch::Tensor x0 = torch::randn(shape);
  torch::Tensor probe = torch::randn_like(layer->forward_reference(x0));

  auto run = [&](bool fftw) {
    for (auto& p : weights->parameters()) p.mutable_grad() = torch::Tensor();
    torch::Tensor x = x0.clone().requires_grad_(true);
    torch::Tensor y = fftw ? layer->forward(x) : layer->forward_reference(x);
    (y * probe).sum().backward();
    Pass pass{y.detach(), x.grad().clone(), {}};
    for (auto& p : weights->parameters()) pass.grad_weights.push_back(p.grad().clone());
    return pass;
  };
  const Pass fast = run(true), reference = run(false);
  EXPECT_LT(relative_difference(fast.y, reference.y), 1e-5) << c;
  EXPECT_LT(relative_difference(fast.grad_x, reference.grad_x), 1e-5) << c;
  ASSERT_EQ(fast.grad_weights.size(), reference.grad_weights.size());
  for (std::size_t i = 0; i < fast.grad_weights.size(); ++i)
    EXPECT_LT(relative_difference(fast.grad_weights[i], reference.grad_weights[i]), 1e-5) << c << ", weight " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Grids, FftwSpectralPath,
    ::testing::Values(LayerCase{{64}, {16}, 3, 5, 4, "dense"},         // 15 rows: one partial block
                      LayerCase{{30}, {16}, 4, 9, 3, "dense"},         // Nyquist column kept
                      LayerCase{{31}, {8}, 2, 3, 2, "dense"},          // odd length
                      LayerCase{{16}, {4}, 3, 1, 1, "dense"},          // 1 -> 1 channel: weight views are contiguous
                      LayerCase{{9, 10}, {3, 4}, 1, 3, 2, "dense"},    // 27 lines: an unpaired last line in 2D
                      LayerCase{{24, 20}, {6, 5}, 5, 7, 6, "dense"},   // 35 rows: two full blocks and a tail
                      LayerCase{{10, 18}, {4, 10}, 2, 3, 3, "dense"},  // Nyquist kept on the halved axis
                      LayerCase{{9, 11}, {3, 4}, 3, 2, 18, "dense"},   // odd sizes; 18 outputs: a ragged kernel tile
                      LayerCase{{12, 10, 8}, {3, 2, 5}, 2, 3, 4, "dense"},
                      LayerCase{{128, 96}, {5, 6}, 3, 5, 2, "dense"},        // 10-field blocks: 10 + 5 rows
                      LayerCase{{32, 32, 32}, {3, 3, 4}, 1, 6, 2, "dense"},  // 4-field blocks: 4 + 2 rows
                      LayerCase{
                          {16, 16}, {4, 4}, 3, 6, 6, "tucker"},  // factorized: FFTW transforms, einsum contraction
                      LayerCase{{8, 8, 8}, {2, 2, 3}, 2, 4, 4, "cp"}));

TEST(FftwSpectralPath, ThreadCountDoesNotChangeABit) {
  // Row blocks and modes are split among threads, never reduced across them.
  torch::manual_seed(3);
  SpectralWeightsOptions o;
  o.in_channels = 8;
  o.out_channels = 8;
  o.mode_extent = mode_grid_extent({6, 6});
  SpectralConv layer(std::vector<int>{6, 6}, make_spectral_weights(o), 0);
  const torch::Tensor x = torch::randn({6, 8, 32, 32}, torch::requires_grad());
  const int threads = torch::get_num_threads();
  auto run = [&](int t) {
    torch::set_num_threads(t);
    x.mutable_grad() = torch::Tensor();
    torch::Tensor y = layer(x);
    y.pow(2).sum().backward();
    return std::make_pair(y.detach(), x.grad().clone());
  };
  const auto one = run(1), two = run(2);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one.first, two.first));
  EXPECT_TRUE(torch::equal(one.second, two.second));
}

TEST(FftwSpectralPath, BackwardLeavesTheWeightsAlone) {
  torch::manual_seed(2);
  SpectralWeightsOptions o;
  o.mode_extent = mode_grid_extent({4});
  auto weights = make_spectral_weights(o);  // 1 -> 1 channel
  SpectralConv layer(std::vector<int>{4}, weights, 0);
  const torch::Tensor before = weights->parameters()[0].detach().clone();
  layer(torch::randn({2, 1, 16}, torch::requires_grad())).pow(2).sum().backward();
  EXPECT_TRUE(torch::equal(weights->parameters()[0].detach(), before));
}

TEST(FftwSpectralPath, MismatchedShapesAndSecondDerivativesAreInputErrors) {
  const torch::Tensor x_hat = torch::zeros({2, 3, 8, 4}, torch::kComplexFloat);
  EXPECT_THROW(mix_modes(x_hat, torch::zeros({3, 5, 4, 4, 2})), ff::InputError);  // 4 of 8 modes
  EXPECT_THROW(mix_modes(x_hat, torch::zeros({3, 5, 8, 4})), ff::InputError);     // no real/imaginary axis
  EXPECT_THROW(from_kept_modes(x_hat, {16, 16}, {4, 3}), ff::InputError);         // mode grid 8 x 3, not 8 x 4
  const torch::Tensor x = torch::randn({1, 1, 16}, torch::requires_grad());
  const torch::Tensor y = kept_modes(x, {4});
  EXPECT_THROW(torch::autograd::grad({torch::view_as_real(y).sum()}, {x}, {}, true, true), ff::InputError);
}

TEST(FftwSpectralPath, OtherTypesTakeTheLibTorchPath) {
  EXPECT_TRUE(fftw_spectral_supports(torch::zeros({1, 1, 8})));
  EXPECT_FALSE(fftw_spectral_supports(torch::zeros({1, 1, 8}, torch::kFloat64)));
  EXPECT_THROW(kept_modes(torch::zeros({1, 1, 8}, torch::kFloat64), {2}), ff::InputError);
}

TEST(KeptModeFft, TooManyModesAreInputErrors) {
  EXPECT_THROW(KeptModeFft({16}, {10}), ff::InputError);       // 16/2 + 1 = 9 columns
  EXPECT_THROW(KeptModeFft({8, 16}, {5, 4}), ff::InputError);  // 2·5 > 8
}

TEST(FftwSpectralPath, TuckerContractionThroughTheKernelEqualsEinsum) {
  // complex64 on the CPU takes mix_modes for all three per-mode products;
  // complex128 takes the einsum chain.
  torch::manual_seed(8);
  SpectralWeightsOptions o;
  o.layers = 3;
  o.in_channels = 6;
  o.out_channels = 5;
  o.mode_extent = mode_grid_extent({4, 3});
  o.factorization = "tucker";
  o.rank = 0.4;
  auto weights = make_spectral_weights(o);
  const torch::Tensor x = torch::randn({3, 6, 8, 3}, torch::kComplexDouble);
  auto run = [&](torch::Dtype real, torch::Dtype complex) {
    weights->to(real);
    weights->zero_grad();
    const torch::Tensor y = weights->contract(1, x.to(complex));
    torch::view_as_real(y).sum().backward();
    std::vector<torch::Tensor> grads;
    for (const auto& p : weights->parameters()) grads.push_back(p.grad().to(torch::kFloat64));
    return std::make_pair(y.detach().to(torch::kComplexDouble), grads);
  };
  const auto fast = run(torch::kFloat32, torch::kComplexFloat);
  const auto reference = run(torch::kFloat64, torch::kComplexDouble);
  EXPECT_LT(relative_difference(fast.first, reference.first), 1e-5);
  for (std::size_t i = 0; i < fast.second.size(); ++i)
    EXPECT_LT(relative_difference(fast.second[i], reference.second[i]), 1e-5) << "parameter " << i;
}

TEST(ModeGemm, EqualsComplexMatrixProducts) {
  // Sizes off the kernel's 2-row, 16-column tiles.
  torch::manual_seed(5);
  const int64_t modes = 3, rows = 5, inner = 7, cols = 37;
  const torch::Tensor a = torch::randn({modes, rows, inner}, torch::kComplexFloat);
  const torch::Tensor b = torch::randn({modes, inner, cols}, torch::kComplexFloat);
  const torch::Tensor planes = torch::stack({torch::real(b), torch::imag(b)}, 1).contiguous();
  torch::Tensor c = torch::empty({modes, rows, cols}, torch::kComplexFloat);
  mode_gemm(reinterpret_cast<const std::complex<float>*>(a.data_ptr()), planes.data_ptr<float>(),
            reinterpret_cast<std::complex<float>*>(c.data_ptr()), modes, rows, inner, cols);
  const torch::Tensor expected = torch::matmul(a.to(torch::kComplexDouble), b.to(torch::kComplexDouble));
  EXPECT_LT(relative_difference(c.to(torch::kComplexDouble), expected), 1e-6) << mode_gemm_isa();
}

}  // namespace
