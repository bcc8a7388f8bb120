#include "core/error.hpp"
#include "operators/layers/spectral_conv.hpp"
#include "operators/layers/spectral_weights.hpp"
#include "operators/models/fno/fno.hpp"
#include "operators/training/mixed_precision.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

namespace {

using namespace ff::operators;

std::vector<torch::Tensor> parameters_with_gradients(std::vector<float> gradients) {
  std::vector<torch::Tensor> parameters;
  for (float g : gradients) {
    auto p = torch::zeros({2}, torch::requires_grad());
    p.mutable_grad() = torch::full({2}, g);
    parameters.push_back(p);
  }
  return parameters;
}

TEST(DynamicLossScaler, OverflowSkipsTheStepAndHalvesTheScale) {
  DynamicLossScaler scaler(1024.0, 3);
  EXPECT_DOUBLE_EQ(scaler.scale(torch::tensor(0.5)).item<double>(), 512.0);

  auto finite = parameters_with_gradients({2048.0f, -512.0f});
  EXPECT_TRUE(scaler.unscale_and_update(finite));
  EXPECT_FLOAT_EQ(finite[0].grad()[0].item<float>(), 2.0f);  // divided by the scale
  EXPECT_FLOAT_EQ(finite[1].grad()[1].item<float>(), -0.5f);

  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(scaler.unscale_and_update(parameters_with_gradients({1.0f, inf})));
  EXPECT_FALSE(scaler.unscale_and_update(parameters_with_gradients({std::nanf(""), 1.0f})));
  EXPECT_DOUBLE_EQ(scaler.value(), 256.0);  // halved once per skipped step
}

TEST(DynamicLossScaler, GrowsAfterFiniteStepsAndResumesFromACheckpoint) {
  DynamicLossScaler scaler(8.0, 3);
  for (int step = 0; step < 2; ++step) EXPECT_TRUE(scaler.unscale_and_update(parameters_with_gradients({1.0f})));
  EXPECT_DOUBLE_EQ(scaler.value(), 8.0);
  torch::serialize::OutputArchive out;
  scaler.save(out);
  EXPECT_TRUE(scaler.unscale_and_update(parameters_with_gradients({1.0f})));
  EXPECT_DOUBLE_EQ(scaler.value(), 16.0);  // the third finite step in a row

  // A scaler restored from the archive is one finite step short of growing too.
  std::stringstream buffer;
  out.save_to(buffer);
  torch::serialize::InputArchive in;
  in.load_from(buffer);
  DynamicLossScaler restored(1.0, 3);
  restored.load(in);
  EXPECT_DOUBLE_EQ(restored.value(), 8.0);
  EXPECT_TRUE(restored.unscale_and_update(parameters_with_gradients({1.0f})));
  EXPECT_DOUBLE_EQ(restored.value(), 16.0);
}

TEST(MixedPrecision, PrecisionNamesAndFp16NeedsCuda) {
  EXPECT_EQ(parse_precision("bf16"), Precision::bf16);
  EXPECT_EQ(parse_precision("fp16"), Precision::fp16);
  EXPECT_THROW(parse_precision("half"), ff::InputError);
}

// Under a bf16 scope on the CPU the pointwise layers compute in bf16 and
// the spectral convolution in float32; the FNO's output stays within bf16
// round-off of the float32 one, and leaving the scope restores float32.
TEST(MixedPrecision, Bf16AutocastLowersThePointwiseLayersOnly) {
  torch::manual_seed(9);
  FnoOptions o;
  o.modes = {6, 6};
  o.width = 16;
  o.layers = 2;
  o.projection = 32;
  Fno fno(o);
  const torch::Tensor x = torch::randn({3, 1, 24, 24});
  torch::NoGradGuard no_grad;
  const torch::Tensor reference = fno(x);
  torch::Tensor mixed;
  {
    AutocastScope autocast(Precision::bf16, torch::kCPU);
    mixed = fno(x);
    SpectralWeightsOptions w;
    w.in_channels = w.out_channels = 16;
    w.mode_extent = mode_grid_extent(o.modes);
    SpectralConv conv(o.modes, make_spectral_weights(w), 0);
    EXPECT_EQ(conv(torch::randn({1, 16, 24, 24}).to(torch::kBFloat16)).scalar_type(), torch::kFloat32);
  }
  EXPECT_EQ(mixed.scalar_type(), torch::kBFloat16);
  const double error = ((mixed.to(torch::kFloat32) - reference).norm() / reference.norm()).item<double>();
  EXPECT_GT(error, 0.0);   // bf16 did compute something
  EXPECT_LT(error, 2e-2);  // bf16 keeps 8 bits of mantissa
  EXPECT_TRUE(torch::equal(fno(x), reference));
}

}  // namespace
