// Stage `generate.ns3d`: decaying or forced isotropic turbulence in a
// periodic cube from random-phase initial velocity, recording velocity,
// vorticity and the energy spectrum, solved on a fine grid and stored
// subsampled.
#pragma once

#include "io/stage.hpp"
#include "solvers/spectral/isotropic_velocity.hpp"
#include "solvers/spectral/navier_stokes_3d.hpp"
#include "solvers/spectral/recording.hpp"

namespace ff::spectral {

class NavierStokes3DStage : public Stage {
 public:
  static constexpr const char* type = "generate.ns3d";
  static constexpr Parallelism parallelism = Parallelism::samples;
  static constexpr const char* summary =
      "3D incompressible Navier-Stokes (velocity form) on the unit cube from isotropic random-phase velocity, "
      "optionally forced: /inputs/u0, /outputs/u, /outputs/omega, /outputs/spectrum [times], /params/nu";
  static constexpr int version = 1;
  static Schema schema();

  explicit NavierStokes3DStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  NavierStokes3DOptions solver_;
  IsotropicVelocityOptions initial_;
  Recording recording_;
  long steps_per_record_ = 0;
  long spin_up_steps_ = 0;  // steps solved before the first record
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::spectral
