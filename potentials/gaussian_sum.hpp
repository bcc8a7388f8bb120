// Radial kernels as sums of Gaussians, f(r) ≈ Σ_k w_k exp(−p_k r²), from sinc
// (trapezoidal) quadrature of a Laplace-type integral in the variable s = ln t.
// Each Gaussian factorises over the axes, exp(−p|x|²) = Π_d exp(−p x_d²), which is
// what turns a sum of kernels centred at N charges into a canonical (CP) tensor.
//
// Representations used (t = e^s unless stated, all integrals over s ∈ ℝ):
//   Newton  1/r          = 2/√π ∫ e^s exp(−r² e^{2s}) ds
//   Yukawa  e^{−λr}/r    = 2/√π ∫ e^s exp(−λ² e^{−2s}/4) exp(−r² e^{2s}) ds
//                          (from ∫_0^∞ exp(−r²t² − λ²/(4t²)) dt = √π e^{−λr}/(2r))
//   Slater  e^{−λr}      = λ/√π ∫ e^{−s} exp(−λ² e^{−2s}/4) exp(−r² e^{2s}) ds
//                          (from ∫_0^∞ τ^{−3/2} exp(−a/τ − bτ) dτ = √(π/a) e^{−2√(ab)},
//                           a = λ²/4, b = r², τ = t²)
//   long range erf(r/r_c)/r = 2/√π ∫_0^T exp(−r²t²) dt with T = 1/r_c, mapped onto ℝ by
//                          t = T(1 − exp(−e^s)): near t = 0 it behaves like t = T e^s,
//                          near t = T the Jacobian T e^s exp(−e^s) decays double
//                          exponentially, so the finite end costs no accuracy.
#pragma once

#include <cmath>
#include <vector>

namespace ff::potentials {

// One term w·exp(−p r²).
struct GaussianTerm {
  double weight = 0;
  double exponent = 0;
};

struct GaussianSumOptions {
  double accuracy = 1e-7;         // max relative error on [r_min, r_max]
  double r_min = 1e-3;            // the sum is not accurate below r_min (Newton, Yukawa, Slater)
  double r_max = std::sqrt(3.0);  // diagonal of the unit cube
};

class GaussianSum {
 public:
  GaussianSum(std::vector<GaussianTerm> terms, double step, double measured_error);

  // Sorted by width: the widest term (smallest exponent) first.
  const std::vector<GaussianTerm>& terms() const { return terms_; }
  int size() const { return static_cast<int>(terms_.size()); }
  double operator()(double r) const;
  // The quadrature step h in s = ln t.
  double step() const { return step_; }
  // Max relative error on the check grid the terms were chosen on.
  double measured_error() const { return measured_error_; }

 private:
  std::vector<GaussianTerm> terms_;
  double step_;
  double measured_error_;
};

GaussianSum newton_sum(const GaussianSumOptions& options);
GaussianSum yukawa_sum(double lambda, const GaussianSumOptions& options);
GaussianSum slater_sum(double lambda, const GaussianSumOptions& options);

// erf(r/r_c)/r to relative accuracy on [0, r_max] (r_min is not used: the
// function is smooth at the origin, where it equals 2/(√π r_c)).
GaussianSum newton_long_range_sum(double r_c, const GaussianSumOptions& options);

// The short-range complement, 1/r − erf(r/r_c)/r, exact to round-off.
inline double newton_short_range(double r, double r_c) { return std::erfc(r / r_c) / r; }

}  // namespace ff::potentials
