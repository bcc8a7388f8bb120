// Stage `generate.ns2d`: 2D Navier–Stokes vorticity datasets as in the FNO
// paper (GRF initial vorticity, the FNO or Kolmogorov forcing, vorticity at
// recorded times), solved on a fine grid and stored subsampled.
#pragma once

#include "io/stage.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/spectral/navier_stokes_2d.hpp"
#include "solvers/spectral/recording.hpp"

namespace ff::spectral {

class NavierStokes2DStage : public Stage {
 public:
  static constexpr const char* type = "generate.ns2d";
  static constexpr const char* summary =
      "2D incompressible Navier-Stokes (vorticity) on the unit torus from GRF initial vorticity: /inputs/w0, "
      "/inputs/f, /outputs/w [times], /params/nu";
  static constexpr int version = 1;
  static Schema schema();

  explicit NavierStokes2DStage(const StageConfig& config);
  void run(const RunContext& context) override;

  // The time-independent vorticity forcing f (the map `forcing`).
  struct Forcing {
    enum class Kind { fno, kolmogorov, none };
    Kind kind = Kind::fno;
    long wavenumber = 4;     // Kolmogorov k
    double amplitude = 1.0;  // Kolmogorov body-force amplitude
  };

 private:
  std::vector<double> forcing() const;  // on the solve grid

  NavierStokes2DOptions solver_;
  GrfOptions initial_;
  Forcing forcing_;
  Recording recording_;
  long steps_per_record_ = 0;
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::spectral
