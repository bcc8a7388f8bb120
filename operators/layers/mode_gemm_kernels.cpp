// The inner loops of mode_gemm (mode_gemm.hpp), compiled once per x86-64
// level (FF_MODE_GEMM_ISA names the namespace) and chosen at run time. Plain
// loops over raw pointers only: no inline library code, so no function
// compiled for a wider ISA can be shared with the rest of the program.
#include "operators/layers/mode_gemm_kernels.hpp"

namespace ff::operators::detail::FF_MODE_GEMM_ISA {
namespace {

constexpr long kCols = 16;  // output columns held in registers, real and imaginary parts apart

// ROWS rows × kCols columns of C[k] += A[k] B[k]: each B row is loaded once
// for ROWS rows of A, each A entry broadcast over the columns.
template <int ROWS>
inline void tile(const float* a, const float* b_re, const float* b_im, float* c, long inner, long cols) {
  float re[ROWS][kCols] = {}, im[ROWS][kCols] = {};
  for (long s = 0; s < inner; ++s) {
    const float* br = b_re + s * cols;
    const float* bi = b_im + s * cols;
    for (int r = 0; r < ROWS; ++r) {
      const float ar = a[2 * (r * inner + s)], ai = a[2 * (r * inner + s) + 1];
      for (long j = 0; j < kCols; ++j) {
        re[r][j] += ar * br[j] - ai * bi[j];
        im[r][j] += ar * bi[j] + ai * br[j];
      }
    }
  }
  for (int r = 0; r < ROWS; ++r)
    for (long j = 0; j < kCols; ++j) {
      c[2 * (r * cols + j)] = re[r][j];
      c[2 * (r * cols + j) + 1] = im[r][j];
    }
}

// The columns beyond the last full tile, one row at a time.
void ragged(const float* a, const float* b_re, const float* b_im, float* c, long inner, long cols, long width) {
  for (long j = 0; j < width; ++j) {
    float re = 0, im = 0;
    for (long s = 0; s < inner; ++s) {
      const float ar = a[2 * s], ai = a[2 * s + 1], br = b_re[s * cols + j], bi = b_im[s * cols + j];
      re += ar * br - ai * bi;
      im += ar * bi + ai * br;
    }
    c[2 * j] = re;
    c[2 * j + 1] = im;
  }
}

void gemm_modes(const float* a, const float* b, float* c, long k_begin, long k_end, long rows, long inner, long cols) {
  for (long k = k_begin; k < k_end; ++k) {
    const float* ak = a + 2 * k * rows * inner;
    const float* b_re = b + 2 * k * inner * cols;
    const float* b_im = b_re + inner * cols;
    float* ck = c + 2 * k * rows * cols;
    const long full = cols / kCols * kCols;
    long r = 0;
    for (; r + 2 <= rows; r += 2)
      for (long t = 0; t < full; t += kCols)
        tile<2>(ak + 2 * r * inner, b_re + t, b_im + t, ck + 2 * (r * cols + t), inner, cols);
    for (; r < rows; ++r)
      for (long t = 0; t < full; t += kCols)
        tile<1>(ak + 2 * r * inner, b_re + t, b_im + t, ck + 2 * (r * cols + t), inner, cols);
    if (full < cols)
      for (long row = 0; row < rows; ++row)
        ragged(ak + 2 * row * inner, b_re + full, b_im + full, ck + 2 * (row * cols + full), inner, cols, cols - full);
  }
}

}  // namespace

extern const ModeGemmKernel kernel = {FF_MODE_GEMM_ISA_NAME, gemm_modes};

}  // namespace ff::operators::detail::FF_MODE_GEMM_ISA
