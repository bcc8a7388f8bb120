// Gaussian random fields N(0, σ²(−Δ + τ²I)^(−α)) on the periodic grid [0,1)^d,
// sampled in Fourier space as in the FNO data protocol: on [0,1)^d the
// Laplacian's eigenvalues are −4π²|k|², so the Fourier coefficient of mode k
// is sqrt(λ_k) ξ_k with λ_k = σ² (4π²|k|² + τ²)^(−α) and ξ_k standard complex
// Gaussian, conjugate-symmetric so the field is real; E|û_k|² = λ_k.
#pragma once

#include "core/rng.hpp"
#include "solvers/fourier/fft.hpp"

#include <complex>
#include <vector>

namespace ff::spectral {

struct GrfOptions {
  int dim = 2;
  int n = 64;             // points per axis
  double alpha = 2.0;     // smoothness exponent
  double tau = 3.0;       // inverse length scale
  double sigma = 1.0;     // amplitude: covariance σ²(−Δ+τ²)^(−α)
  bool zero_mean = true;  // drop the k = 0 mode, as the FNO protocol does
};

// Throws InputError unless every λ_k is a finite double. λ_k decreases with
// |k|², so checking the lowest mode kept covers all of them.
void check_covariance(const GrfOptions& options);

class GaussianRandomField {
 public:
  explicit GaussianRandomField(const GrfOptions& options, int threads = fft_threads());

  // Variance λ_k of the Fourier coefficient of mode k.
  double mode_variance(const std::array<int, 3>& k) const;

  // Writes n^dim values of one sample, drawing from `rng`.
  void sample(SampleRng& rng, double* field);

  std::vector<int> shape() const { return fft_.shape(); }
  long size() const { return fft_.real_size(); }
  const GrfOptions& options() const { return options_; }

 private:
  GrfOptions options_;
  RealFFT fft_;
  std::vector<double> sqrt_variance_;  // per half-spectrum entry
  std::vector<long> conjugate_;        // per entry: index of -k in the same plane, or -1
  std::vector<std::complex<double>> coefficients_;
};

}  // namespace ff::spectral
