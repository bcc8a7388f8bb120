#include "apps/stage_registry.hpp"

#include "potentials/potential_stage.hpp"
#include "solvers/spectral/burgers_stage.hpp"
#include "solvers/spectral/grf_stage.hpp"
#include "solvers/spectral/ns2d_stage.hpp"
#include "solvers/spectral/ns3d_stage.hpp"
#include "solvers/spectral/spectrum_stage.hpp"
#include "solvers/sphere/swe_stage.hpp"

#include <fieldforge/build_config.hpp>

#if FIELDFORGE_WITH_PETSC
#include "solvers/fem/darcy_stage.hpp"
#include "solvers/fem/elasticity_stage.hpp"
#include "solvers/fem/heat_stage.hpp"
#include "solvers/fem/nonlinear_stage.hpp"
#include "solvers/fem/poisson_stage.hpp"
#endif
#if FIELDFORGE_WITH_PETSC && FIELDFORGE_WITH_TORCH
#include "solvers/linear/dcdm/poisson_obstacles_stage.hpp"
#endif
#if FIELDFORGE_WITH_TORCH
#include "operators/stages/dcdm_train_stage.hpp"
#include "operators/stages/evaluate_stage.hpp"
#include "operators/stages/train_stage.hpp"
#endif

namespace ff {

const StageRegistry& stage_registry() {
  static const StageRegistry registry = [] {
    StageRegistry r;
    register_stage<spectral::GrfStage>(r);
    register_stage<spectral::SpectrumStage>(r);
    register_stage<spectral::BurgersStage>(r);
    register_stage<spectral::NavierStokes2DStage>(r);
    register_stage<spectral::NavierStokes3DStage>(r);
    register_stage<sphere::ShallowWaterStage>(r);
    register_stage<potentials::ChebyshevTuckerStage>(r);
#if FIELDFORGE_WITH_PETSC
    register_stage<fem::DarcyStage>(r);
    register_stage<fem::ElasticityStage>(r);
    register_stage<fem::HeatStage>(r);
    register_stage<fem::NonlinearStage>(r);
    register_stage<fem::PoissonStage>(r);
#endif
#if FIELDFORGE_WITH_TORCH
    register_stage<operators::TrainOperatorStage>(r);
    register_stage<operators::EvaluateStage>(r);
    register_stage<operators::TrainDcdmStage>(r);
#endif
#if FIELDFORGE_WITH_PETSC && FIELDFORGE_WITH_TORCH
    register_stage<linear::PoissonObstaclesStage>(r);
#endif
    return r;
  }();
  return registry;
}

}  // namespace ff
