// Shell-averaged power spectra of periodic fields: E(s) = Σ_{round(|k|)=s} |û_k|²
// averaged over samples, with the Fourier coefficients of fft.hpp.
#pragma once

#include "solvers/fourier/fft.hpp"
#include "solvers/fourier/modes.hpp"

#include <functional>
#include <vector>

namespace ff::spectral {

class ShellSpectrum {
 public:
  explicit ShellSpectrum(std::vector<int> shape);

  void add_sample(const double* field);
  long samples() const { return samples_; }
  int shells() const { return static_cast<int>(modes_per_shell_.size()); }

  // Mean shell energy over the samples added so far.
  std::vector<double> energy() const;
  // Number of full-spectrum modes in each shell.
  const std::vector<long>& modes_per_shell() const { return modes_per_shell_; }
  // Σ over each shell of a per-mode variance (the prescribed spectrum).
  std::vector<double> expected(const std::function<double(const std::array<int, 3>&)>& variance) const;
  // Variance of one sample's shell energy for a Gaussian field with these
  // per-mode variances; divided by samples() it is the squared standard error
  // of energy().
  std::vector<double> energy_variance(const std::function<double(const std::array<int, 3>&)>& variance) const;

 private:
  RealFFT fft_;
  std::vector<HalfSpectrumMode> modes_;
  std::vector<int> shell_of_;
  std::vector<long> modes_per_shell_;
  std::vector<double> sum_;
  std::vector<std::complex<double>> coefficients_;
  long samples_ = 0;
};

}  // namespace ff::spectral
