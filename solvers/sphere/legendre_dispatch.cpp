#include "solvers/sphere/legendre_kernels.hpp"

namespace ff::sphere::detail {

namespace isa_x86_64_v4 {
extern const LegendreKernels kernels;
}
namespace isa_x86_64_v3 {
extern const LegendreKernels kernels;
}
namespace isa_baseline {
extern const LegendreKernels kernels;
}

const LegendreKernels& legendre_kernels() {
  static const LegendreKernels& chosen = []() -> const LegendreKernels& {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return isa_x86_64_v4::kernels;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return isa_x86_64_v3::kernels;
    return isa_baseline::kernels;
  }();
  return chosen;
}

}  // namespace ff::sphere::detail
