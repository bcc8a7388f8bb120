#include "solvers/fourier/grf.hpp"

#include "core/error.hpp"
#include "solvers/fourier/modes.hpp"

#include <cmath>

namespace ff::spectral {

void check_covariance(const GrfOptions& options) {
  FF_REQUIRE(options.alpha > 0 && options.sigma > 0 && options.tau >= 0, InputError,
             "GRF needs alpha > 0, sigma > 0, tau >= 0 (got {}, {}, {})", options.alpha, options.sigma, options.tau);
  FF_REQUIRE(options.zero_mean || options.tau > 0, InputError,
             "GRF with tau = 0 has infinite variance in the k = 0 mode; set zero_mean: true or tau > 0");
  const double lowest_k2 = options.zero_mean ? 1.0 : 0.0;
  const double variance = options.sigma * options.sigma *
                          std::pow(4.0 * M_PI * M_PI * lowest_k2 + options.tau * options.tau, -options.alpha);
  FF_REQUIRE(std::isfinite(variance), InputError,
             "GRF covariance sigma^2 (4 pi^2 |k|^2 + tau^2)^(-alpha) is not finite in double precision at |k|^2 = {} "
             "(sigma = {}, tau = {}, alpha = {})",
             lowest_k2, options.sigma, options.tau, options.alpha);
}

GaussianRandomField::GaussianRandomField(const GrfOptions& options, int threads)
    : options_(options), fft_(std::vector<int>(options.dim, options.n), threads) {
  check_covariance(options);
  const auto modes = half_spectrum_modes(fft_.shape());
  sqrt_variance_.resize(modes.size());
  conjugate_.resize(modes.size());
  for (std::size_t i = 0; i < modes.size(); ++i) {
    sqrt_variance_[i] = std::sqrt(mode_variance(modes[i].k));
    conjugate_[i] = modes[i].conjugate;
  }
  coefficients_.resize(modes.size());
}

double GaussianRandomField::mode_variance(const std::array<int, 3>& k) const {
  const double k2 = k_squared(k);
  if (k2 == 0.0 && options_.zero_mean) return 0.0;
  const double eigenvalue = 4.0 * M_PI * M_PI * k2 + options_.tau * options_.tau;
  return options_.sigma * options_.sigma * std::pow(eigenvalue, -options_.alpha);
}

void GaussianRandomField::sample(SampleRng& rng, double* field) {
  const long n = static_cast<long>(coefficients_.size());
  // Every entry draws two normals in a fixed order, so the stream of sample i
  // does not depend on which entries are later overwritten by symmetry.
  for (long i = 0; i < n; ++i) {
    const double a = rng.normal(), b = rng.normal();
    coefficients_[i] = {a * M_SQRT1_2, b * M_SQRT1_2};
  }
  // In the planes stored whole (last index 0 or Nyquist) -k is stored too:
  // make the pair conjugate, and self-conjugate modes real with unit variance.
  for (long i = 0; i < n; ++i) {
    const long c = conjugate_[i];
    if (c < 0) continue;
    if (c == i)
      coefficients_[i] = {coefficients_[i].real() * M_SQRT2, 0.0};
    else if (c < i)
      coefficients_[i] = std::conj(coefficients_[c]);
  }
  for (long i = 0; i < n; ++i) coefficients_[i] *= sqrt_variance_[i];
  fft_.inverse(coefficients_.data(), field);
}

}  // namespace ff::spectral
