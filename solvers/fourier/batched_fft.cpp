#include "solvers/fourier/batched_fft.hpp"

#include "core/error.hpp"

#include <fftw3.h>

namespace ff::spectral {

struct RealFFTBatch::Plans {
  fftw_plan forward = nullptr, inverse = nullptr;
};

RealFFTBatch::RealFFTBatch(std::vector<int> shape, int count, int threads)
    : count_(count), plans_(std::make_unique<Plans>()) {
  FF_REQUIRE(!shape.empty() && shape.size() <= 3, InputError, "FFT grids are 1D, 2D or 3D, got {}D", shape.size());
  for (int n : shape) FF_REQUIRE(n >= 2, InputError, "FFT grid size must be at least 2, got {}", n);
  FF_REQUIRE(count >= 1 && threads >= 1, InputError, "an FFT batch needs count and threads >= 1");
  real_size_ = 1;
  for (int n : shape) real_size_ *= n;
  spectral_size_ = real_size_ / shape.back() * (shape.back() / 2 + 1);

  // Planning buffers only: the plans run on the caller's FFT-aligned arrays.
  RealBuffer real(real_size_ * count);
  SpectrumBuffer spectrum(spectral_size_ * count);
  auto* complex = reinterpret_cast<fftw_complex*>(spectrum.data());
  const int rank = static_cast<int>(shape.size()), real_distance = static_cast<int>(real_size_),
            spectral_distance = static_cast<int>(spectral_size_);

  const auto lock = lock_fftw_planner();
  fftw_plan_with_nthreads(threads);
  plans_->forward = fftw_plan_many_dft_r2c(rank, shape.data(), count, real.data(), nullptr, 1, real_distance, complex,
                                           nullptr, 1, spectral_distance, FFTW_MEASURE);
  plans_->inverse = fftw_plan_many_dft_c2r(rank, shape.data(), count, complex, nullptr, 1, spectral_distance,
                                           real.data(), nullptr, 1, real_distance, FFTW_MEASURE);
  const bool planned = plans_->forward && plans_->inverse;
  if (!planned) {  // the destructor does not run for a throwing constructor
    if (plans_->forward) fftw_destroy_plan(plans_->forward);
    if (plans_->inverse) fftw_destroy_plan(plans_->inverse);
  }
  FF_REQUIRE(planned, RunError, "FFTW could not plan {} transforms of {} points", count, real_size_);
}

RealFFTBatch::~RealFFTBatch() {
  const auto lock = lock_fftw_planner();
  fftw_destroy_plan(plans_->forward);
  fftw_destroy_plan(plans_->inverse);
}

void RealFFTBatch::forward_unnormalized(RealBuffer& fields, SpectrumBuffer& spectra) {
  FF_REQUIRE(static_cast<long>(fields.size()) == real_size_ * count_ &&
                 static_cast<long>(spectra.size()) == spectral_size_ * count_,
             RunError, "FFT batch buffer sizes do not match the plan");
  fftw_execute_dft_r2c(plans_->forward, fields.data(), reinterpret_cast<fftw_complex*>(spectra.data()));
}

void RealFFTBatch::inverse_destroying(SpectrumBuffer& spectra, RealBuffer& fields) {
  FF_REQUIRE(static_cast<long>(fields.size()) == real_size_ * count_ &&
                 static_cast<long>(spectra.size()) == spectral_size_ * count_,
             RunError, "FFT batch buffer sizes do not match the plan");
  fftw_execute_dft_c2r(plans_->inverse, reinterpret_cast<fftw_complex*>(spectra.data()), fields.data());
}

}  // namespace ff::spectral
