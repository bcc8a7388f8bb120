// Ritz pairs of a PressureLaplacian from a Lanczos run: the training
// spectrum of the deep conjugate-direction method. The Lanczos vectors are
// kept (in float32, the precision the network trains in) and, by default,
// fully reorthogonalized, so `steps` steps give `steps` distinct Ritz pairs
// whose extremes converge first; Ritz values below `zero_tolerance` times
// the largest are dropped.
#pragma once

#include "solvers/obstacles/pressure_laplacian.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace ff::obstacles {

struct LanczosOptions {
  long steps = 1000;
  bool reorthogonalize = true;
  double zero_tolerance = 1e-10;
};

struct RitzPairs {
  std::vector<double> values;  // ascending
  Eigen::MatrixXf vectors;     // [unknowns, values.size()], unit columns
};

RitzPairs lanczos_ritz_pairs(const PressureLaplacian& matrix, const LanczosOptions& options, std::uint64_t seed);

}  // namespace ff::obstacles
