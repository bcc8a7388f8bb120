// Moving a 2D periodic field between grids through its half spectrum (the
// layout of fft.hpp), so a dataset can be solved on one grid, drawn on
// another and stored on a third.
#pragma once

#include "solvers/fourier/fft.hpp"

#include <complex>
#include <vector>

namespace ff::spectral {

// Fourier coefficients of the n_from² field `from` on the n_to² grid: the
// modes with |k_a| < min(n_from, n_to)/2 on both axes are copied, every
// other coefficient of `to` is zero (truncation or zero padding; Nyquist
// modes are dropped because they have no single meaning on another grid;
// between equal sizes everything is copied).
// Odd sizes keep |k| ≤ (n−1)/2.
void transfer_spectrum(const std::complex<double>* from, int n_from, std::complex<double>* to, int n_to);

// Point values of a field given by its n_from² Fourier coefficients at the
// points j/n_to of an n_to² grid, for any two sizes: the values of its real
// trigonometric interpolant (Nyquist modes as cosines), which passes through
// the field's own grid values. Each mode is folded onto the mode it aliases
// to on the target grid, then one inverse FFT of the target grid evaluates
// the sum exactly: when n_to divides n_from this equals taking every
// (n_from/n_to)-th point of the field, as the FNO datasets are stored,
// without transforming the field on the solve grid.
class PointSampler {
 public:
  PointSampler(int n_from, int n_to);
  void sample(const std::complex<double>* spectrum, double* values);
  int from_size() const { return n_from_; }
  int to_size() const { return n_to_; }

 private:
  int n_from_ = 0, n_to_ = 0;
  RealFFT fft_;  // one FFTW thread: samplers run inside worker threads
  SpectrumBuffer folded_;
  RealBuffer values_;
};

}  // namespace ff::spectral
