#include "solvers/fourier/fft.hpp"

#include "core/error.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace ff::spectral {
namespace {

// FFTW's planner is not thread-safe; plan creation and destruction hold this.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

void init_fftw_threads_once() {
  static const bool ok = fftw_init_threads() != 0;
  FF_REQUIRE(ok, RunError, "FFTW thread initialisation failed");
}

}  // namespace

void* fft_malloc(std::size_t bytes) { return fftw_malloc(bytes); }
void fft_free(void* p) { fftw_free(p); }

std::string export_fft_wisdom() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  char* text = fftw_export_wisdom_to_string();
  FF_REQUIRE(text, RunError, "FFTW could not export its wisdom");
  std::string wisdom(text);
  std::free(text);
  return wisdom;
}

void import_fft_wisdom(const std::string& wisdom) {
  std::lock_guard<std::mutex> lock(planner_mutex());
  init_fftw_threads_once();
  FF_REQUIRE(fftw_import_wisdom_from_string(wisdom.c_str()) != 0, InputError, "text is not FFTW wisdom");
}

std::unique_lock<std::mutex> lock_fftw_planner() {
  std::unique_lock<std::mutex> lock(planner_mutex());
  init_fftw_threads_once();
  return lock;
}

int fft_threads() {
  const char* env = std::getenv("FIELDFORGE_THREADS");
  const int n = env ? std::atoi(env) : 1;
  return std::max(1, n);
}

struct RealFFT::Plans {
  double* real = nullptr;
  fftw_complex* spectrum = nullptr;
  fftw_plan forward = nullptr, inverse = nullptr;
};

RealFFT::RealFFT(std::vector<int> shape, int threads) : shape_(std::move(shape)), plans_(std::make_unique<Plans>()) {
  FF_REQUIRE(!shape_.empty() && shape_.size() <= 3, InputError, "FFT grids are 1D, 2D or 3D, got {}D", shape_.size());
  for (int n : shape_) FF_REQUIRE(n >= 2, InputError, "FFT grid size must be at least 2, got {}", n);
  real_size_ = 1;
  for (int n : shape_) real_size_ *= n;
  spectral_size_ = real_size_ / shape_.back() * (shape_.back() / 2 + 1);

  std::lock_guard<std::mutex> lock(planner_mutex());
  init_fftw_threads_once();
  FF_REQUIRE(threads >= 1, InputError, "an FFT needs at least one thread");
  fftw_plan_with_nthreads(threads);
  plans_->real = fftw_alloc_real(real_size_);
  plans_->spectrum = fftw_alloc_complex(spectral_size_);
  const int rank = static_cast<int>(shape_.size());
  plans_->forward = fftw_plan_dft_r2c(rank, shape_.data(), plans_->real, plans_->spectrum, FFTW_MEASURE);
  plans_->inverse = fftw_plan_dft_c2r(rank, shape_.data(), plans_->spectrum, plans_->real, FFTW_MEASURE);
  FF_REQUIRE(plans_->forward && plans_->inverse, RunError, "FFTW could not plan a transform of {} points", real_size_);
}

RealFFT::~RealFFT() {
  std::lock_guard<std::mutex> lock(planner_mutex());
  fftw_destroy_plan(plans_->forward);
  fftw_destroy_plan(plans_->inverse);
  fftw_free(plans_->real);
  fftw_free(plans_->spectrum);
}

std::vector<int> RealFFT::spectral_shape() const {
  std::vector<int> s = shape_;
  s.back() = s.back() / 2 + 1;
  return s;
}

void RealFFT::forward(const double* field, std::complex<double>* spectrum) {
  std::memcpy(plans_->real, field, sizeof(double) * real_size_);
  fftw_execute(plans_->forward);
  const double scale = 1.0 / static_cast<double>(real_size_);
  const auto* out = reinterpret_cast<const std::complex<double>*>(plans_->spectrum);
  for (long i = 0; i < spectral_size_; ++i) spectrum[i] = out[i] * scale;
}

void RealFFT::inverse(const std::complex<double>* spectrum, double* field) {
  // c2r overwrites its input, so the caller's spectrum is copied first.
  std::memcpy(plans_->spectrum, spectrum, sizeof(fftw_complex) * spectral_size_);
  fftw_execute(plans_->inverse);
  std::memcpy(field, plans_->real, sizeof(double) * real_size_);
}

void RealFFT::forward_unnormalized(RealBuffer& field, SpectrumBuffer& spectrum) {
  FF_REQUIRE(static_cast<long>(field.size()) == real_size_ && static_cast<long>(spectrum.size()) == spectral_size_,
             RunError, "FFT buffer sizes do not match the plan");
  fftw_execute_dft_r2c(plans_->forward, field.data(), reinterpret_cast<fftw_complex*>(spectrum.data()));
}

void RealFFT::inverse_destroying(SpectrumBuffer& spectrum, RealBuffer& field) {
  FF_REQUIRE(static_cast<long>(field.size()) == real_size_ && static_cast<long>(spectrum.size()) == spectral_size_,
             RunError, "FFT buffer sizes do not match the plan");
  fftw_execute_dft_c2r(plans_->inverse, reinterpret_cast<fftw_complex*>(spectrum.data()), field.data());
}

}  // namespace ff::spectral
