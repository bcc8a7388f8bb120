// Real-to-complex FFTs on periodic grids, and the spectral conventions every
// spectral solver and analysis in fieldforge shares:
//
//  - a grid of shape n[0] x ... x n[d-1] is stored row-major (last axis fastest)
//    and samples the domain [0,1)^d at x_j = j / n;
//  - the half spectrum has shape n[0] x ... x (n[d-1]/2 + 1);
//  - forward:  û_k = (1/N) Σ_j u_j exp(-2πi k·x_j)   (Fourier coefficients, N = Π n)
//  - inverse:  u_j = Σ_k û_k exp(+2πi k·x_j)          (so inverse(forward(u)) = u)
//  - wavenumber(i, n) = i for i <= n/2 and i - n above (the Nyquist mode is +n/2).
//
// Plans are made once per object (FFTW_MEASURE on private buffers, or from
// wisdom, see plan_sharing.hpp) and run with FIELDFORGE_THREADS threads
// (default 1).
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace ff::spectral {

// Memory with FFTW's SIMD alignment, so solvers can run the plans on their
// own arrays without copies (RealFFT::forward_unnormalized and friends).
void* fft_malloc(std::size_t bytes);
void fft_free(void* p);

template <class T>
struct FftAllocator {
  using value_type = T;
  FftAllocator() = default;
  template <class U>
  FftAllocator(const FftAllocator<U>&) {}
  T* allocate(std::size_t n) {
    void* p = fft_malloc(n * sizeof(T));
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { fft_free(p); }
  template <class U>
  bool operator==(const FftAllocator<U>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const FftAllocator<U>&) const {
    return false;
  }
};

using RealBuffer = std::vector<double, FftAllocator<double>>;
using SpectrumBuffer = std::vector<std::complex<double>, FftAllocator<std::complex<double>>>;

inline int wavenumber(int index, int n) { return index <= n / 2 ? index : index - n; }

// Threads used by FFTW plans, from FIELDFORGE_THREADS (default 1).
int fft_threads();

class RealFFT {
 public:
  // `threads` FFTW threads (FIELDFORGE_THREADS by default; code that runs one
  // plan per worker thread asks for 1).
  explicit RealFFT(std::vector<int> shape, int threads = fft_threads());
  ~RealFFT();
  RealFFT(const RealFFT&) = delete;
  RealFFT& operator=(const RealFFT&) = delete;

  const std::vector<int>& shape() const { return shape_; }
  std::vector<int> spectral_shape() const;
  long real_size() const { return real_size_; }
  long spectral_size() const { return spectral_size_; }

  void forward(const double* field, std::complex<double>* spectrum);
  void inverse(const std::complex<double>* spectrum, double* field);  // spectrum is left intact

  // The same transforms on FFT-aligned buffers without copies or scaling:
  // forward_unnormalized gives N times forward(); inverse_destroying equals
  // inverse() but overwrites `spectrum`. For the inner loops of solvers.
  void forward_unnormalized(RealBuffer& field, SpectrumBuffer& spectrum);
  void inverse_destroying(SpectrumBuffer& spectrum, RealBuffer& field);

 private:
  struct Plans;
  std::vector<int> shape_;
  long real_size_ = 0, spectral_size_ = 0;
  std::unique_ptr<Plans> plans_;
};

// FFTW's planner is not thread-safe: code outside RealFFT that makes or
// destroys plans holds this lock. Taking it also initialises FFTW's threads.
std::unique_lock<std::mutex> lock_fftw_planner();

// The planner's accumulated choices (FFTW wisdom) as text, and back.
std::string export_fft_wisdom();
void import_fft_wisdom(const std::string& wisdom);  // InputError if the text is not FFTW wisdom

}  // namespace ff::spectral
