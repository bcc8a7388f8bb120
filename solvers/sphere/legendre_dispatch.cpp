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

namespace {

// The features -march=x86-64-v3 and -v4 let the compiler use (MOVBE and LZCNT,
// which every CPU with BMI2 has, are left out: clang cannot test for them).
bool has_x86_64_v3() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("f16c");
}
bool has_x86_64_v4() {
  return has_x86_64_v3() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

}  // namespace

const LegendreKernels& legendre_kernels() {
  static const LegendreKernels& chosen = []() -> const LegendreKernels& {
    __builtin_cpu_init();
    if (has_x86_64_v4()) return isa_x86_64_v4::kernels;
    if (has_x86_64_v3()) return isa_x86_64_v3::kernels;
    return isa_baseline::kernels;
  }();
  return chosen;
}

}  // namespace ff::sphere::detail
