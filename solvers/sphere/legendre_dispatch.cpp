#include "core/cpu_level.hpp"
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
    switch (cpu_level()) {
      case CpuLevel::x86_64_v4:
        return isa_x86_64_v4::kernels;
      case CpuLevel::x86_64_v3:
        return isa_x86_64_v3::kernels;
      case CpuLevel::baseline:
        break;
    }
    return isa_baseline::kernels;
  }();
  return chosen;
}

}  // namespace ff::sphere::detail
