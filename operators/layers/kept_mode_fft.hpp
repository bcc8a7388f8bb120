// The Fourier transforms of an FNO layer, restricted to the modes it keeps,
// in float32 on the CPU with FFTW. For a batch of R real fields on an
// n_1 × ... × n_d grid (row-major, last axis fastest) and per-axis mode
// counts m_a, the kept modes form the mode grid M_1 × ... × M_d of
// spectral_conv.hpp (M_a = 2 m_a on full axes, frequencies [0, m) then
// [n − m, n); M_d = m_d non-negative columns of the halved last axis).
//
//   forward:  X[k, r] = c_k · s · Σ_j x[r, j] e^{−2πi k·j/n}      (rfftn, kept modes)
//   inverse:  x[r, j] = s · C2R( Σ_k c_k X[k, r] e^{+2πi k·j/n} ) (irfftn of the zero-filled spectrum)
//
// with a scale s and per-column weights c_k on the last axis chosen per call
// (ColumnWeights). Both are unnormalized FFTs otherwise. The mode side is
// mode-major, [K, R] with K = Π M_a, so that the per-mode channel contraction
// that follows reads each mode's rows contiguously. C2R drops the imaginary
// part of column 0 (and of the Nyquist column when kept), as irfftn does.
//
// Only what is kept is transformed: the last axis by real DFTs of whole
// lines (two real lines per complex FFT), each full axis only on the columns
// kept on the axes after it. Fields are processed in blocks of up to
// kMaxBlockFields, fewer on grids of more than kBlockPoints / kMaxBlockFields
// points, so a block's intermediate spectra stay in cache (and its scratch
// small on large 3D grids); the blocks run in parallel on LibTorch's
// intra-op threads.
// Plans are made once per shape (FFTW_ESTIMATE: planning is instant and
// deterministic, so the same inputs give the same bits on every run) and
// shared by all threads; FFTW's execute functions are thread-safe.
#pragma once

#include <complex>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace ff::operators {

enum class ColumnWeights {
  one,          // c_k = 1
  hermitian,    // c_k = 2 on columns other than 0 and Nyquist: each stands for itself and its conjugate mirror
  half_mirror,  // c_k = 1/2 on those columns (the adjoint of C2R's implicit doubling)
};

class KeptModeFft {
 public:
  static constexpr int64_t kMaxBlockFields = 16;
  static constexpr int64_t kBlockPoints = int64_t{1} << 17;

  // Plans for fields of shape `grid` (1 to 3 axes) keeping `modes` per axis.
  KeptModeFft(std::vector<int64_t> grid, std::vector<int> modes);
  ~KeptModeFft();
  KeptModeFft(const KeptModeFft&) = delete;
  KeptModeFft& operator=(const KeptModeFft&) = delete;

  int64_t grid_points() const { return grid_points_; }  // Π n_a
  int64_t kept_modes() const { return kept_modes_; }    // K

  // x: [rows, n...] float; modes: [K, rows] complex.
  void forward(const float* x, std::complex<float>* modes, int64_t rows, float scale, ColumnWeights weights) const;
  // modes: [K, rows] complex (left intact); x: [rows, n...] float.
  void inverse(const std::complex<float>* modes, float* x, int64_t rows, float scale, ColumnWeights weights) const;

 private:
  struct PlanBlock;
  struct Plans;
  // The plans for blocks of `rows` fields, made on first use.
  const PlanBlock& plans_for(int64_t rows) const;
  // scale · c_k for the kept columns of the last axis.
  std::vector<float> column_scales(float scale, ColumnWeights weights) const;
  // Runs body(first field, fields, plans, paired-line scratch, two work
  // arrays) on blocks of block_fields_ fields (the last one shorter), in
  // parallel; scratch is per task.
  using BlockBody = std::function<void(int64_t, int64_t, const PlanBlock&, std::complex<float>*, std::complex<float>*,
                                       std::complex<float>*)>;
  void for_each_block(int64_t rows, const BlockBody& body) const;

  std::vector<int64_t> grid_;
  std::vector<int> modes_;
  int64_t grid_points_, kept_modes_, block_fields_;
  std::unique_ptr<Plans> plans_;
};

// The transform for this shape, made on first use and kept for the process
// (a training run meets a handful of shapes). Thread-safe.
const KeptModeFft& kept_mode_fft(const std::vector<int64_t>& grid, const std::vector<int>& modes);

}  // namespace ff::operators
