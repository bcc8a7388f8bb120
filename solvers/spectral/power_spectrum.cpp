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

}  // namespace ff::spectral
