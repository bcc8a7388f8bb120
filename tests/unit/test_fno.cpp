#include "core/error.hpp"
#include "operators/layers/pointwise_linear.hpp"
#include "operators/models/fno/fno.hpp"
#include "operators/models/mg_tfno/mg_fno.hpp"
#include "operators/training/losses.hpp"
#include "poisson_data.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <functional>

namespace {

using namespace ff::operators;

// A smooth input with modes |k| ≤ 3, sampled at n² points.
torch::Tensor smooth_input(int64_t n) {
  const auto x = (torch::arange(n, torch::kFloat64) / n).view({n, 1}).expand({n, n});
  const auto y = (torch::arange(n, torch::kFloat64) / n).view({1, n}).expand({n, n});
  const double t = 2 * M_PI;
  return (torch::sin(t * x) * torch::cos(2 * t * y) + 0.5 * torch::cos(t * (3 * x - y))).view({1, 1, n, n});
}

// Relative difference between a model's output at 32² and its output at 64²
// restricted to every other point, for the smooth input.
double coarse_fine_difference(const FnoOptions& options) {
  Fno fno(options);
  fno->to(torch::kFloat64);
  using torch::indexing::Slice;
  const auto coarse = fno(smooth_input(32));
  const auto fine = fno(smooth_input(64)).index({Slice(), Slice(), Slice(0, 64, 2), Slice(0, 64, 2)});
  return relative_lp(fine, coarse).item<double>();
}

TEST(Fno, SpectralPathIsResolutionInvariant) {
  // With one Fourier layer and no grid channels every map is pointwise or
  // acts on band-limited fields, so evaluating at 64² and keeping every other
  // point equals evaluating at 32².
  torch::manual_seed(4);
  FnoOptions o;
  o.modes = {6, 6};
  o.width = 8;
  o.layers = 1;
  o.grid = GridChannels::none;
  EXPECT_LT(coarse_fine_difference(o), 1e-12);

  // The full model (GELU between layers, coordinate channels) is invariant up
  // to aliasing of what the nonlinearity creates above the coarse Nyquist.
  o.layers = 4;
  o.grid = GridChannels::periodic;
  const double difference = coarse_fine_difference(o);
  RecordProperty("four_layer_difference", fmt::format("{:.3e}", difference));
  EXPECT_LT(difference, 0.05);
}

TEST(MultiGridFno, SplitAndStitchInvertEachOther) {
  torch::manual_seed(7);
  for (int d = 1; d <= 3; ++d) {
    MultiGridFnoOptions o;
    o.network.modes = std::vector<int>(d, 2);
    o.network.in_channels = 3;
    o.network.width = 4;
    o.levels = 2;
    o.padding = 2;
    o.periodic = d != 2;  // the context does not change the patches
    MultiGridFno mg(o);
    std::vector<int64_t> shape{2, 3};
    shape.insert(shape.end(), d, 16);
    const auto x = torch::randn(shape);
    const auto patches = mg->split(x);
    std::vector<int64_t> expected{2 * (1 << (2 * d)), 9};
    expected.insert(expected.end(), d, 4 + 2 * 2);
    EXPECT_EQ(patches.sizes(), expected) << d << "D";
    EXPECT_TRUE(torch::equal(mg->stitch(patches.narrow(1, 0, 3), 2), x)) << d << "D";  // level 0 is the patch
    EXPECT_EQ(mg(x).sizes(), x.narrow(1, 0, 1).sizes());
  }
  // Patches of different sizes per axis.
  MultiGridFnoOptions o;
  o.network.modes = {2, 2, 2};
  o.levels = 1;
  o.padding = 1;
  MultiGridFno mg(o);
  const auto x = torch::randn({1, 1, 8, 12, 16});
  EXPECT_TRUE(torch::equal(mg->stitch(mg->split(x).narrow(1, 0, 1), 1), x));
}

TEST(MultiGridFno, CoarsestLevelSeesTheWholeDomain) {
  MultiGridFnoOptions o;
  o.network.modes = {2, 2};
  o.levels = 2;
  const auto x = torch::randn({1, 1, 16, 16}, torch::kFloat64);
  // 16 patches, each with the whole field pooled by 4 (rolled) or, without
  // wrap-around, by 8 (with zeros around it): every point counted once.
  for (const bool periodic : {true, false}) {
    o.periodic = periodic;
    const auto coarsest = MultiGridFno(o)->split(x).narrow(1, 2, 1);
    const double pooled_area = periodic ? 16.0 : 64.0;
    const auto totals = coarsest.sum({1, 2, 3}) * pooled_area;
    EXPECT_LT((totals - x.sum()).abs().max().item<double>(), 1e-12) << (periodic ? "periodic" : "zero");
  }
  MultiGridFno mg(o);
  EXPECT_THROW(mg->split(torch::randn({1, 1, 18, 16})), ff::InputError);  // 18 is not a multiple of 4
  // The forward pass pads 18 to 20 and crops the output back.
  EXPECT_EQ(mg(torch::randn({1, 1, 18, 16})).sizes(), (std::vector<int64_t>{1, 1, 18, 16}));
}

// An 8 x 8 field of ones, 2 x 2 patches, one level. Wrapping around, the
// context of patch (0, 0) covers points -2..5 per axis pooled by 2: all
// ones. Without, it is twice as wide, -6..9 pooled by 4: per axis
// [0, 1/2, 1, 1/2], the whole domain once, and zero past the edge.
TEST(MultiGridFno, ContextPastTheEdgeWrapsOrIsZero) {
  MultiGridFnoOptions o;
  o.network.modes = {2, 2};
  o.levels = 1;
  const auto x = torch::ones({1, 1, 8, 8}, torch::kFloat64);
  const auto wrapped = MultiGridFno(o)->split(x);
  EXPECT_TRUE(torch::equal(wrapped[0][1], torch::ones({4, 4}, torch::kFloat64)));
  o.periodic = false;
  const auto open = MultiGridFno(o)->split(x);
  EXPECT_TRUE(torch::equal(open.select(1, 0), wrapped.select(1, 0))) << "no overlap: the patches are the same";
  const auto profile = torch::tensor({0.0, 0.5, 1.0, 0.5}, torch::kFloat64);
  EXPECT_TRUE(torch::equal(open[0][1], torch::outer(profile, profile)));
  const auto far = profile.flip(0);  // patch (1, 1) reaches past the other edges
  EXPECT_TRUE(torch::equal(open[3][1], torch::outer(far, far)));
}

// Small batches are folded into more samples of fewer points (so LibTorch
// picks oneDNN); values and gradients must be those of y = W x + b.
TEST(PointwiseLinear, SmallBatchesEqualThePlainMapWithGradients) {
  torch::manual_seed(3);
  PointwiseLinear layer(5, 7);
  for (const std::vector<int64_t>& shape :
       std::vector<std::vector<int64_t>>{{3, 5, 16, 8}, {1, 5, 64}, {2, 5, 4, 4, 4}, {20, 5, 8, 8}, {3, 5, 5, 3}}) {
    const torch::Tensor x = torch::randn(shape, torch::kFloat32).requires_grad_();
    const torch::Tensor y = layer(x);
    const auto params = layer->parameters();  // weight, bias
    std::vector<int64_t> bias_shape(x.dim(), 1);
    bias_shape[1] = 7;
    const torch::Tensor expected = torch::einsum("oi,bi...->bo...", {params[0], x}) + params[1].view(bias_shape);
    ASSERT_EQ(y.sizes(), expected.sizes());
    EXPECT_LT((y - expected).abs().max().item<double>(), 1e-5);
    const torch::Tensor seed = torch::randn_like(y);
    const auto grads = torch::autograd::grad({y}, {x, params[0], params[1]}, {seed});
    const auto reference = torch::autograd::grad({expected}, {x, params[0], params[1]}, {seed});
    for (int g = 0; g < 3; ++g)
      EXPECT_LT((grads[g] - reference[g]).abs().max().item<double>(),
                1e-4 * (1 + reference[g].abs().max().item<double>()))
          << "gradient " << g;
  }
}

TEST(Fno, WrongInputShapeIsAnInputError) {
  FnoOptions o;
  o.modes = {4, 4};
  o.width = 4;
  Fno fno(o);
  EXPECT_THROW(fno(torch::randn({2, 3, 16, 16})), ff::InputError);  // 3 channels, 1 expected
  EXPECT_THROW(fno(torch::randn({2, 1, 16})), ff::InputError);      // 1D input to a 2D model
  EXPECT_THROW(fno(torch::randn({2, 1, 6, 16})), ff::InputError);   // too coarse for 4 modes
}

TEST(Fno, PaddingKeepsTheShape) {
  FnoOptions o;
  o.modes = {4, 4};
  o.width = 4;
  o.padding = 5;
  o.grid = GridChannels::closed;
  Fno fno(o);
  EXPECT_EQ(fno(torch::randn({2, 1, 17, 13})).sizes(), (std::vector<int64_t>{2, 1, 17, 13}));
}

// Inputs f ~ GRF on the 32² torus and outputs u = (−Δ + κ²)⁻¹ f (zero mean),
// the solution map of the periodic (screened) Poisson problem: a linear
// operator these models can represent, learned from 200 samples to < 2 %
// relative L2 on 50 others. The FNO and the TFNO learn the global Poisson map
// (κ = 0); MG-TFNO, whose patches see the rest of the domain only coarsely,
// the screened one with κ = 20 (influence decays over 1/κ = 1.6 grid cells).
struct PoissonCase {
  std::string model;
  double screening;
  int epochs;
};
void PrintTo(const PoissonCase& c, std::ostream* os) { *os << c.model; }
class LearnsThePoissonSolutionMap : public testing::TestWithParam<PoissonCase> {};

// "fno", "tfno" (Tucker, a tenth of the spectral weights), "tfno_per_layer"
// (a Tucker tensor per layer, each a tenth of its layer's weights) or
// "mgtfno" (that TFNO on 2×2 patches with one coarse context level and 4
// points of overlap).
std::function<torch::Tensor(const torch::Tensor&)> poisson_model(const std::string& kind,
                                                                 std::vector<torch::Tensor>& parameters,
                                                                 int64_t& spectral_parameters) {
  FnoOptions o;
  o.modes = {8, 8};
  o.width = 16;
  o.layers = 2;
  o.projection = 32;
  o.factorization = kind == "fno" ? "dense" : "tucker";
  o.rank = 0.1;
  o.joint = kind != "tfno_per_layer";
  if (kind == "mgtfno") {
    MultiGridFnoOptions mg;
    o.modes = {6, 6};
    mg.network = o;
    mg.levels = 1;
    mg.padding = 4;
    MultiGridFno model(mg);
    parameters = model->parameters();
    spectral_parameters = model->network().spectral_weights().parameter_count();
    return [model](const torch::Tensor& x) mutable { return model(x); };
  }
  Fno model(o);
  parameters = model->parameters();
  spectral_parameters = model->spectral_weights().parameter_count();
  return [model](const torch::Tensor& x) mutable { return model(x); };
}

TEST_P(LearnsThePoissonSolutionMap, ToTwoPercent) {
  torch::manual_seed(5);
  torch::set_num_threads(1);  // tensors this small only pay thread start-up
  const int n = 32, train = 200, test = 50;
  auto [f, u] = ff::test::poisson_pairs(n, train + test, GetParam().screening);
  // Scalar normalisation keeps the target linear in the input.
  f = (f / f.std()).to(torch::kFloat32);
  u = (u / u.std()).to(torch::kFloat32);
  const auto f_train = f.narrow(0, 0, train), u_train = u.narrow(0, 0, train);
  const auto f_test = f.narrow(0, train, test), u_test = u.narrow(0, train, test);

  std::vector<torch::Tensor> parameters;
  int64_t spectral_parameters = 0;
  auto fno = poisson_model(GetParam().model, parameters, spectral_parameters);
  RecordProperty("spectral_parameters", std::to_string(spectral_parameters));
  torch::optim::Adam adam(parameters, torch::optim::AdamOptions(5e-3));
  const int batch = 20, epochs = GetParam().epochs;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto order = torch::randperm(train, torch::kLong);
    for (int b = 0; b < train; b += batch) {
      const auto index = order.narrow(0, b, batch);
      adam.zero_grad();
      const auto loss = relative_lp(fno(f_train.index_select(0, index)), u_train.index_select(0, index));
      loss.backward();
      adam.step();
    }
    if (epoch == epochs / 2)
      for (auto& group : adam.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(1e-3);
  }
  torch::NoGradGuard no_grad;
  const double error = relative_lp(fno(f_test), u_test).item<double>();
  RecordProperty("test_relative_l2", fmt::format("{:.4f}", error));
  EXPECT_LT(error, 0.02);
}

INSTANTIATE_TEST_SUITE_P(Fno, LearnsThePoissonSolutionMap,
                         testing::Values(PoissonCase{"fno", 0, 30}, PoissonCase{"tfno", 0, 30},
                                         PoissonCase{"tfno_per_layer", 0, 30}, PoissonCase{"mgtfno", 20, 30}),
                         [](const testing::TestParamInfo<PoissonCase>& info) { return info.param.model; });

}  // namespace
