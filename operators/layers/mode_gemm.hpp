// The channel mixing of a Fourier layer, one small complex matrix product per
// kept mode:
//
//   C[k] = A[k] · B[k],   A[k]: rows × inner,  B[k]: inner × cols,  k < modes.
//
// A and C are complex, interleaved ([modes, rows, inner] and [modes, rows,
// cols]); B is stored as two real planes per mode ([modes, 2, inner, cols],
// real part then imaginary part), so the kernel broadcasts one A entry over
// a vector of B's columns without shuffles. Modes run in parallel on
// LibTorch's intra-op threads; the kernel is the fastest of AVX-512, AVX2
// and baseline x86-64 builds that the CPU runs.
#pragma once

#include <complex>
#include <cstdint>

namespace ff::operators {

void mode_gemm(const std::complex<float>* a, const float* b, std::complex<float>* c, int64_t modes, int64_t rows,
               int64_t inner, int64_t cols);

// "x86_64_v4", "x86_64_v3" or "baseline": the kernel this CPU runs.
const char* mode_gemm_isa();

}  // namespace ff::operators
