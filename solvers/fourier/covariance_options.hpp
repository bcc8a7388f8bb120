// The covariance keys of a Gaussian random field (alpha, tau, sigma,
// zero_mean; see grf.hpp), declared once for every stage that draws GRF
// inputs, spectral (generate.grf, generate.burgers, generate.ns2d) or finite
// element (generate.darcy, solve.poisson): o.map("initial", &S::initial,
// covariance_options(...), ...) or o.merge(&S::covariance, ...), then
// on_grid() once the grid is known.
#pragma once

#include "io/options.hpp"
#include "io/stage.hpp"
#include "solvers/fourier/grf.hpp"

#include <string>

namespace ff::spectral {

// The `covariance`-style map of GRF keys with the given defaults, bound to
// those members of GrfOptions.
OptionsSchema<GrfOptions> covariance_options(double alpha, double tau, double sigma);

// A covariance put on the periodic grid n^dim, checked (InputError unless
// every λ_k is finite).
GrfOptions on_grid(GrfOptions covariance, int dim, int n);

}  // namespace ff::spectral
