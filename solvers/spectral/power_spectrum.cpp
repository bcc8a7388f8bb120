#include "solvers/spectral/power_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <complex>

namespace ff::spectral {

ShellSpectrum::ShellSpectrum(std::vector<int> shape)
    : fft_(shape), modes_(half_spectrum_modes(shape)), shell_of_(modes_.size()) {
  int max_shell = 0;
  for (std::size_t i = 0; i < modes_.size(); ++i) {
    shell_of_[i] = static_cast<int>(std::lround(std::sqrt(k_squared(modes_[i].k))));
    max_shell = std::max(max_shell, shell_of_[i]);
  }
  modes_per_shell_.assign(max_shell + 1, 0);
  for (std::size_t i = 0; i < modes_.size(); ++i) modes_per_shell_[shell_of_[i]] += modes_[i].multiplicity;
  sum_.assign(max_shell + 1, 0.0);
  coefficients_.resize(modes_.size());
}

void ShellSpectrum::add_sample(const double* field) {
  fft_.forward(field, coefficients_.data());
  for (std::size_t i = 0; i < modes_.size(); ++i)
    sum_[shell_of_[i]] += modes_[i].multiplicity * std::norm(coefficients_[i]);
  ++samples_;
}

std::vector<double> ShellSpectrum::energy() const {
  std::vector<double> e(sum_.size(), 0.0);
  if (samples_ > 0)
    for (std::size_t s = 0; s < e.size(); ++s) e[s] = sum_[s] / samples_;
  return e;
}

std::vector<double> ShellSpectrum::expected(const std::function<double(const std::array<int, 3>&)>& variance) const {
  std::vector<double> e(sum_.size(), 0.0);
  for (std::size_t i = 0; i < modes_.size(); ++i) e[shell_of_[i]] += modes_[i].multiplicity * variance(modes_[i].k);
  return e;
}

// An entry standing for a conjugate pair (multiplicity 2) contributes 2λ|ξ|²
// with |ξ|² ~ Exp(1): variance 4λ². A real self-conjugate mode contributes
// λa² with a ~ N(0,1): variance 2λ². Two stored entries k and -k of a plane
// stored whole share one ξ, so together they again have variance 4λ².
std::vector<double> ShellSpectrum::energy_variance(
    const std::function<double(const std::array<int, 3>&)>& variance) const {
  std::vector<double> v(sum_.size(), 0.0);
  for (std::size_t i = 0; i < modes_.size(); ++i) {
    const double lambda = variance(modes_[i].k);
    const long conjugate = modes_[i].conjugate, self = static_cast<long>(i);
    if (conjugate < 0 || conjugate > self)
      v[shell_of_[i]] += 4 * lambda * lambda;
    else if (conjugate == self)
      v[shell_of_[i]] += 2 * lambda * lambda;
  }
  return v;
}

}  // namespace ff::spectral
