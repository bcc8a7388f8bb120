#include "solvers/fourier/covariance_options.hpp"

namespace ff::spectral {

// .def(double) writes the defaults as "{:g}" text: ns2d's sigma = 7^0.75
// resolves to 4.30352, as it always has.
OptionsSchema<GrfOptions> covariance_options(double alpha, double tau, double sigma) {
  OptionsSchema<GrfOptions> o;
  o.key("alpha", &GrfOptions::alpha, "smoothness exponent alpha").def(alpha).greater_than(0);
  o.key("tau", &GrfOptions::tau, "inverse length scale tau").def(tau).at_least(0);
  o.key("sigma", &GrfOptions::sigma, "amplitude sigma (covariance scales with sigma^2)").def(sigma).greater_than(0);
  o.key("zero_mean", &GrfOptions::zero_mean, "drop the k = 0 mode (FNO protocol)");
  return o;
}

GrfOptions on_grid(GrfOptions covariance, int dim, int n) {
  covariance.dim = dim;
  covariance.n = n;
  check_covariance(covariance);
  return covariance;
}

}  // namespace ff::spectral
