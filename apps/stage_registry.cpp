#include "apps/stage_registry.hpp"

#include "solvers/spectral/grf_stage.hpp"
#include "solvers/spectral/spectrum_stage.hpp"

namespace ff {

const StageRegistry& stage_registry() {
  static const StageRegistry registry = [] {
    StageRegistry r;
    register_stage<spectral::GrfStage>(r);
    register_stage<spectral::SpectrumStage>(r);
    return r;
  }();
  return registry;
}

}  // namespace ff
