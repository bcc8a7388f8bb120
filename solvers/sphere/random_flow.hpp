// Random balanced initial states for shallow-water datasets.
//
// The streamfunction is a random band-limited field, ψ_lm ~ N(0, 1) ·
// (l(l+1))^(−slope/2) for 1 ≤ l ≤ max_degree, scaled so that the root mean
// square speed is `rms_speed`; the divergence is zero and the geopotential
// is in linear balance with the flow, ∇²Φ' = ∇·(f ∇ψ), around g · mean_depth.
// Balanced states start without the burst of gravity waves an unbalanced one
// would make, as in the random states of torch-harmonics' shallow-water example
// (whose spectrum and balance differ in detail).
#pragma once

#include "core/rng.hpp"
#include "solvers/sphere/shallow_water.hpp"

namespace ff::sphere {

struct RandomFlowOptions {
  double mean_depth = 1.0e4;  // m
  double rms_speed = 20.0;    // m/s
  double slope = 3.0;         // variance of each ψ_lm ∝ (l(l+1))^−slope
  int max_degree = 32;
};

// Sets `solver`'s state to a random balanced flow drawn from `rng`.
void set_random_balanced_state(ShallowWater& solver, const RandomFlowOptions& options, SampleRng& rng);

}  // namespace ff::sphere
