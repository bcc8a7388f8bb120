#include "operators/layers/mode_gemm.hpp"

#include "core/cpu_level.hpp"
#include "operators/layers/mode_gemm_kernels.hpp"

#include <algorithm>

#include <ATen/Parallel.h>

namespace ff::operators {
namespace detail {
namespace isa_x86_64_v4 {
extern const ModeGemmKernel kernel;
}
namespace isa_x86_64_v3 {
extern const ModeGemmKernel kernel;
}
namespace isa_baseline {
extern const ModeGemmKernel kernel;
}
}  // namespace detail

namespace {

const detail::ModeGemmKernel& chosen_kernel() {
  static const detail::ModeGemmKernel& kernel = []() -> const detail::ModeGemmKernel& {
    switch (cpu_level()) {
      case CpuLevel::x86_64_v4:
        return detail::isa_x86_64_v4::kernel;
      case CpuLevel::x86_64_v3:
        return detail::isa_x86_64_v3::kernel;
      case CpuLevel::baseline:
        break;
    }
    return detail::isa_baseline::kernel;
  }();
  return kernel;
}

}  // namespace

void mode_gemm(const std::complex<float>* a, const float* b, std::complex<float>* c, int64_t modes, int64_t rows,
               int64_t inner, int64_t cols) {
  const auto& kernel = chosen_kernel();
  const float* a_floats = reinterpret_cast<const float*>(a);
  float* c_floats = reinterpret_cast<float*>(c);
  // A mode's product is 8·rows·inner·cols flops; a few thousand are worth a task.
  const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, rows * inner * cols));
  at::parallel_for(0, modes, grain, [&](int64_t begin, int64_t end) {
    kernel.gemm_modes(a_floats, b, c_floats, begin, end, rows, inner, cols);
  });
}

const char* mode_gemm_isa() { return chosen_kernel().isa; }

}  // namespace ff::operators
