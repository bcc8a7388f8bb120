#include "operators/dcdm/ritz_rhs.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

#include <torch/torch.h>

#include <cmath>

namespace ff::operators {

RitzRightHandSides::RitzRightHandSides(obstacles::RitzPairs pairs, const GridLaplacian& laplacian,
                                       const RitzRhsOptions& options, std::uint64_t seed)
    : pairs_(std::move(pairs)), laplacian_(laplacian), options_(options), seed_(seed) {
  FF_REQUIRE(!pairs_.values.empty(), InputError, "DCDM training: the Lanczos run gave no Ritz vectors");
  FF_REQUIRE(pairs_.vectors.rows() == laplacian.fluid_cells().numel(), InputError,
             "DCDM training: Ritz vectors of length {} for a problem of {} unknowns", pairs_.vectors.rows(),
             laplacian.fluid_cells().numel());
}

torch::Tensor RitzRightHandSides::batch(const std::vector<long>& indices) const {
  const long m = ritz_vectors();
  const long low = std::lround(options_.low_fraction * m);
  const long unknowns = pairs_.vectors.rows();
  torch::Tensor values = torch::empty({static_cast<long>(indices.size()), unknowns}, torch::kFloat32);
  Eigen::VectorXf c(m);
  for (std::size_t s = 0; s < indices.size(); ++s) {
    FF_REQUIRE(indices[s] >= 0 && indices[s] < options_.count, InputError, "DCDM training: no right-hand side {}",
               indices[s]);
    SampleRng rng(seed_, 0x7a1b5, static_cast<std::uint64_t>(indices[s]));
    for (long i = 0; i < m; ++i) c[i] = static_cast<float>((i < low ? options_.low_scale : 1.0) * rng.normal());
    Eigen::Map<Eigen::VectorXf> b(values[static_cast<long>(s)].data_ptr<float>(), unknowns);
    b.noalias() = pairs_.vectors * c;
    b /= b.norm();
  }
  const long batch = static_cast<long>(indices.size());
  std::vector<long> shape = laplacian_.shape();
  shape[0] = batch;
  torch::Tensor grids = torch::zeros({batch, laplacian_.fluid().numel()}, torch::kFloat32);
  grids.index_copy_(1, laplacian_.fluid_cells().to(torch::kCPU), values);
  return grids.view(shape).to(laplacian_.device());
}

}  // namespace ff::operators
