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
// Plans are made once per object (FFTW_MEASURE on private buffers) and run
// with FIELDFORGE_THREADS threads (default 1).
#pragma once

#include <complex>
#include <memory>
#include <vector>

namespace ff::spectral {

inline int wavenumber(int index, int n) { return index <= n / 2 ? index : index - n; }

class RealFFT {
 public:
  explicit RealFFT(std::vector<int> shape);
  ~RealFFT();
  RealFFT(const RealFFT&) = delete;
  RealFFT& operator=(const RealFFT&) = delete;

  const std::vector<int>& shape() const { return shape_; }
  std::vector<int> spectral_shape() const;
  long real_size() const { return real_size_; }
  long spectral_size() const { return spectral_size_; }

  void forward(const double* field, std::complex<double>* spectrum);
  void inverse(const std::complex<double>* spectrum, double* field);  // spectrum is left intact

 private:
  struct Plans;
  std::vector<int> shape_;
  long real_size_ = 0, spectral_size_ = 0;
  std::unique_ptr<Plans> plans_;
};

// Threads used by FFTW plans, from FIELDFORGE_THREADS (default 1).
int fft_threads();

}  // namespace ff::spectral
