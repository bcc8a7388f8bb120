// The per-ISA kernel table behind mode_gemm (see mode_gemm_kernels.cpp).
#pragma once

namespace ff::operators::detail {

struct ModeGemmKernel {
  const char* isa;
  // C[k] = A[k] B[k] for modes k in [k_begin, k_end); layouts as mode_gemm.
  void (*gemm_modes)(const float* a, const float* b, float* c, long k_begin, long k_end, long rows, long inner,
                     long cols);
};

}  // namespace ff::operators::detail
