// Training right-hand sides of the deep conjugate-direction method, drawn
// from a matrix's Ritz vectors as its authors do: b = Σ cᵢ vᵢ with
// cᵢ ~ N(0, 1), except over the lowest `low_fraction` of the Ritz values
// where cᵢ ~ 9·N(0, 1) (their 5,500 of 10,000), normalized to ‖b‖ = 1.
// Right-hand side k is a function of (seed, k) alone, so none is stored.
#pragma once

#include "operators/dcdm/grid_laplacian.hpp"
#include "solvers/obstacles/lanczos.hpp"

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace ff::operators {

struct RitzRhsOptions {
  long count = 20000;
  double low_fraction = 0.55;
  double low_scale = 9.0;
};

class RitzRightHandSides {
 public:
  RitzRightHandSides(obstacles::RitzPairs pairs, const GridLaplacian& laplacian, const RitzRhsOptions& options,
                     std::uint64_t seed);

  long size() const { return options_.count; }
  long ritz_vectors() const { return static_cast<long>(pairs_.values.size()); }
  // Grids [indices.size(), 1, n...] in float32 on the operator's device.
  torch::Tensor batch(const std::vector<long>& indices) const;

 private:
  obstacles::RitzPairs pairs_;
  const GridLaplacian& laplacian_;
  RitzRhsOptions options_;
  std::uint64_t seed_;
};

}  // namespace ff::operators
