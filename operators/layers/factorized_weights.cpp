#include "operators/layers/factorized_weights.hpp"

#include "core/error.hpp"
#include "operators/layers/fftw_spectral.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>
#include <numeric>

namespace ff::operators {
namespace {

// Extents of the jointly factorized tensor: layers, in, out, M_1..M_d.
std::vector<int64_t> tensor_extents(const SpectralWeightsOptions& o) {
  std::vector<int64_t> extents{o.layers, o.in_channels, o.out_channels};
  extents.insert(extents.end(), o.mode_extent.begin(), o.mode_extent.end());
  return extents;
}

int64_t product(const std::vector<int64_t>& v) {
  return std::accumulate(v.begin(), v.end(), int64_t{1}, std::multiplies<>());
}

// Tucker ranks r_n = round(s·extent_n) (at least 1) with the largest common
// scale s whose core plus factors hold at most `fraction` of the entries.
std::vector<int64_t> tucker_ranks_for(const std::vector<int64_t>& extents, double fraction) {
  auto ranks_at = [&](double s) {
    std::vector<int64_t> r;
    for (int64_t e : extents) r.push_back(std::clamp<int64_t>(std::llround(s * e), 1, e));
    return r;
  };
  auto size = [&](const std::vector<int64_t>& r) {
    int64_t count = product(r);
    for (std::size_t n = 0; n < r.size(); ++n) count += extents[n] * r[n];
    return count;
  };
  const double budget = fraction * product(extents);
  double low = 0, high = 1;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (low + high);
    (size(ranks_at(mid)) <= budget ? low : high) = mid;
  }
  return ranks_at(low);
}

// Complex N(0, variance) entries stored as real pairs.
torch::Tensor complex_normal(std::vector<int64_t> shape, double variance) {
  shape.push_back(2);
  return torch::randn(shape) * std::sqrt(variance / 2);
}

// A complex matrix [rows, cols] as mix_modes weights that are the same at
// every mode: real pairs [rows, cols, M..., 2], broadcast (no copy).
torch::Tensor over_modes(const torch::Tensor& matrix, const std::vector<int>& mode_extent) {
  std::vector<int64_t> single{matrix.size(0), matrix.size(1)}, every{matrix.size(0), matrix.size(1)};
  single.insert(single.end(), mode_extent.size(), 1);
  every.insert(every.end(), mode_extent.begin(), mode_extent.end());
  single.push_back(2);
  every.push_back(2);
  return torch::view_as_real(matrix).reshape(single).expand(every);
}

// Letters of the mode axes (x y z) and of their ranks (e f g) in einsum strings.
std::string mode_letters(int d) { return std::string("xyz").substr(0, d); }
std::string rank_letters(int d) { return std::string("efg").substr(0, d); }

}  // namespace

TuckerSpectralWeights::TuckerSpectralWeights(const SpectralWeightsOptions& options) : SpectralWeightsImpl(options) {
  const auto extents = tensor_extents(options);
  if (!options.ranks.empty()) {
    FF_REQUIRE(options.ranks.size() == extents.size(), InputError,
               "Tucker ranks: {} given, the weight tensor [layers, in, out, modes...] has {} axes",
               options.ranks.size(), extents.size());
    for (std::size_t n = 0; n < extents.size(); ++n) {
      FF_REQUIRE(options.ranks[n] >= 1 && options.ranks[n] <= extents[n], InputError,
                 "Tucker rank {} of axis {} must be in [1, {}]", options.ranks[n], n, extents[n]);
      ranks_.push_back(options.ranks[n]);
    }
  } else {
    FF_REQUIRE(options.rank > 0 && options.rank <= 1, InputError, "rank must be a fraction in (0, 1], got {}",
               options.rank);
    ranks_ = tucker_ranks_for(extents, options.rank);
  }
  // Factors with entries of variance 1/r_n keep the reconstruction's
  // variance equal to the core's, s²/3: half the mean square of the dense
  // initialisation (2s²/3, real and imaginary parts uniform in [0, s)), so
  // factorized models start slightly smaller.
  const double scale = initial_scale();
  core_ = register_parameter("core", complex_normal(ranks_, scale * scale / 3));
  for (std::size_t n = 0; n < extents.size(); ++n)
    factors_.push_back(
        register_parameter(fmt::format("factor{}", n), complex_normal({extents[n], ranks_[n]}, 1.0 / ranks_[n])));
}

torch::Tensor TuckerSpectralWeights::layer_core(int layer) const {
  const int d = static_cast<int>(options_.mode_extent.size());
  const std::string r = rank_letters(d);
  return torch::einsum("apq" + r + ",a->pq" + r,
                       {torch::view_as_complex(core_), torch::view_as_complex(factors_[0])[layer]});
}

torch::Tensor TuckerSpectralWeights::contract(int layer, const torch::Tensor& x) {
  if (options_.reconstructed) return contract_dense(x, reconstruct(layer));
  const int d = static_cast<int>(options_.mode_extent.size());
  const std::string m = mode_letters(d), r = rank_letters(d);
  auto factor = [&](int n) { return torch::view_as_complex(factors_[n]); };
  // Input channels onto the in-rank, the core spread over the modes (in rank
  // space, r_in·r_out·|M| entries), then the out-rank onto output channels.
  std::string spread = "pq" + r;
  std::vector<torch::Tensor> operands{layer_core(layer)};
  for (int a = 0; a < d; ++a) {
    spread += std::string(",") + m[a] + r[a];
    operands.push_back(factor(3 + a));
  }
  const torch::Tensor kernel = torch::einsum(spread + "->pq" + m, operands);
  if (mix_modes_supports(x)) {
    // On the CPU all three per-mode products run in the blocked kernel, the
    // channel factors broadcast over the modes.
    const torch::Tensor projected = mix_modes(x, over_modes(factor(1), options_.mode_extent));
    const torch::Tensor mixed = mix_modes(projected, torch::view_as_real(kernel));
    return mix_modes(mixed, over_modes(factor(2).transpose(0, 1), options_.mode_extent));
  }
  const torch::Tensor projected = torch::einsum("bi" + m + ",ip->bp" + m, {x, factor(1)});
  const torch::Tensor mixed = torch::einsum("bp" + m + ",pq" + m + "->bq" + m, {projected, kernel});
  return torch::einsum("bq" + m + ",oq->bo" + m, {mixed, factor(2)});
}

torch::Tensor TuckerSpectralWeights::reconstruct(int layer) {
  const int d = static_cast<int>(options_.mode_extent.size());
  const std::string m = mode_letters(d), r = rank_letters(d);
  std::string equation = "pq" + r + ",ip,oq";
  std::vector<torch::Tensor> operands{layer_core(layer), torch::view_as_complex(factors_[1]),
                                      torch::view_as_complex(factors_[2])};
  for (int a = 0; a < d; ++a) {
    equation += std::string(",") + m[a] + r[a];
    operands.push_back(torch::view_as_complex(factors_[3 + a]));
  }
  return torch::einsum(equation + "->io" + m, operands);
}

CpSpectralWeights::CpSpectralWeights(const SpectralWeightsOptions& options) : SpectralWeightsImpl(options) {
  const auto extents = tensor_extents(options);
  const int64_t sum = std::accumulate(extents.begin(), extents.end(), int64_t{0});
  if (!options.ranks.empty()) {
    FF_REQUIRE(options.ranks.size() == 1 && options.ranks[0] >= 1, InputError,
               "CP takes one rank R >= 1 in ranks, got {} values", options.ranks.size());
    rank_ = options.ranks[0];
  } else {
    FF_REQUIRE(options.rank > 0 && options.rank <= 1, InputError, "rank must be a fraction in (0, 1], got {}",
               options.rank);
    rank_ = std::max<int64_t>(1, static_cast<int64_t>(options.rank * product(extents) / sum));  // within the budget
  }
  // Var(W) = R Π Var(U_n): equal factor variances give s²/3, as for Tucker.
  const double scale = initial_scale();
  const double variance = std::pow(scale * scale / 3 / rank_, 1.0 / extents.size());
  for (std::size_t n = 0; n < extents.size(); ++n)
    factors_.push_back(register_parameter(fmt::format("factor{}", n), complex_normal({extents[n], rank_}, variance)));
}

torch::Tensor CpSpectralWeights::contract(int layer, const torch::Tensor& x) {
  if (options_.reconstructed) return contract_dense(x, reconstruct(layer));
  const int d = static_cast<int>(options_.mode_extent.size());
  const std::string m = mode_letters(d);
  auto factor = [&](int n) { return torch::view_as_complex(factors_[n]); };
  // Per component r: project the input channels, scale by the layer and mode
  // factors, and spread onto the output channels.
  std::string modes_equation = "r";
  std::vector<torch::Tensor> operands{factor(0)[layer]};
  for (int a = 0; a < d; ++a) {
    modes_equation += std::string(",") + m[a] + "r";
    operands.push_back(factor(3 + a));
  }
  const torch::Tensor mode_weight = torch::einsum(modes_equation + "->r" + m, operands);
  const torch::Tensor projected = torch::einsum("bi" + m + ",ir->br" + m, {x, factor(1)});
  return torch::einsum("br" + m + ",or->bo" + m, {projected * mode_weight.unsqueeze(0), factor(2)});
}

torch::Tensor CpSpectralWeights::reconstruct(int layer) {
  const int d = static_cast<int>(options_.mode_extent.size());
  const std::string m = mode_letters(d);
  std::string equation = "r,ir,or";
  std::vector<torch::Tensor> operands{torch::view_as_complex(factors_[0])[layer], torch::view_as_complex(factors_[1]),
                                      torch::view_as_complex(factors_[2])};
  for (int a = 0; a < d; ++a) {
    equation += std::string(",") + m[a] + "r";
    operands.push_back(torch::view_as_complex(factors_[3 + a]));
  }
  return torch::einsum(equation + "->io" + m, operands);
}

PerLayerSpectralWeights::PerLayerSpectralWeights(const SpectralWeightsOptions& options) : SpectralWeightsImpl(options) {
  FF_REQUIRE(options.factorization == "tucker" || options.factorization == "cp", InputError,
             "per-layer factorization is tucker or cp, got '{}'", options.factorization);
  FF_REQUIRE(options.factorization != "tucker" || options.ranks.empty() ||
                 options.ranks.size() == 2 + options.mode_extent.size(),
             InputError, "per-layer Tucker ranks: {} given, a layer's weight tensor [in, out, modes...] has {} axes",
             options.ranks.size(), 2 + options.mode_extent.size());
  SpectralWeightsOptions one_layer = options;
  one_layer.layers = 1;
  one_layer.joint = true;
  if (options.factorization == "tucker" && !options.ranks.empty()) one_layer.ranks.insert(one_layer.ranks.begin(), 1);
  for (int l = 0; l < options.layers; ++l)
    layers_.push_back(register_module(fmt::format("layer{}", l), make_spectral_weights(one_layer)));
}

}  // namespace ff::operators
