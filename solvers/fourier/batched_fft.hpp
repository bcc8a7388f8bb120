// Several real FFTs of one shape in one FFTW call (fftw_plan_many_dft_r2c and
// _c2r), with the conventions of fft.hpp and a thread count of their own.
//
// A solver that transforms several fields per step (the velocity and the
// vorticity gradient of a 2D flow) runs them as one batch: FFTW then plans
// the batch as a whole, and a solver that runs on a worker thread of its own
// asks for a single FFTW thread whatever FIELDFORGE_THREADS says.
#pragma once

#include "solvers/fourier/fft.hpp"

#include <memory>
#include <vector>

namespace ff::spectral {

class RealFFTBatch {
 public:
  // `count` transforms of `shape`; fields lie real_size() apart and spectra
  // spectral_size() apart in the buffers the transforms take.
  RealFFTBatch(std::vector<int> shape, int count, int threads);
  ~RealFFTBatch();
  RealFFTBatch(const RealFFTBatch&) = delete;
  RealFFTBatch& operator=(const RealFFTBatch&) = delete;

  int count() const { return count_; }
  long real_size() const { return real_size_; }          // of one field
  long spectral_size() const { return spectral_size_; }  // of one spectrum

  // N·(Fourier coefficients) of `count` fields; the fields are left intact.
  void forward_unnormalized(RealBuffer& fields, SpectrumBuffer& spectra);
  // The fields of `count` spectra (unscaled sums); overwrites the spectra.
  void inverse_destroying(SpectrumBuffer& spectra, RealBuffer& fields);

 private:
  struct Plans;
  int count_ = 1;
  long real_size_ = 0, spectral_size_ = 0;
  std::unique_ptr<Plans> plans_;
};

}  // namespace ff::spectral
