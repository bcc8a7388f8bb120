// Stage `generate.ns2d`: 2D Navier–Stokes vorticity datasets as in the FNO
// paper (GRF initial vorticity, the FNO or Kolmogorov forcing, vorticity at
// recorded times, stored as point values on a coarser grid).
//
// The initial fields are drawn on `sample_grid` whatever grid the flow is
// solved on and stored as drawn (/inputs/w0); the solver starts from their
// modes that the solve grid holds. Datasets that differ only in solve grid,
// scheme or step thus start from the same fields and can be compared (the
// dataset error of README.md "Navier-Stokes datasets"). Samples run on
// FIELDFORGE_THREADS worker threads.
#pragma once

#include "io/stage.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/spectral/navier_stokes_2d.hpp"

namespace ff::spectral {

class NavierStokes2DStage : public Stage {
 public:
  static constexpr const char* type = "generate.ns2d";
  static constexpr Parallelism parallelism = Parallelism::samples;
  static constexpr const char* summary =
      "2D incompressible Navier-Stokes (vorticity) on the unit torus from GRF initial vorticity: /inputs/w0, "
      "/inputs/f, /outputs/w [times], /params/nu";
  static constexpr int version = 2;
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
  // f at the points of an n² grid.
  static std::vector<double> forcing_on_grid(const Forcing& forcing, int n);

  // The solve grid the stage uses when `grid.n` is not given: an FFT-friendly
  // n ≥ 0.96 ν^(−1/2), measured to stay 20–75× below the FNO generator's
  // dataset error (README.md "Navier-Stokes datasets").
  static int default_solve_grid(double nu);

 private:
  NavierStokes2DOptions solver_;
  GrfOptions initial_;  // on the sample grid
  Forcing forcing_;
  int store_n_ = 0;
  std::vector<double> times_;
  double spin_up_ = 0;  // time solved before the first record
  long train_ = 0, test_ = 0;
  DType dtype_ = DType::float32;
  std::filesystem::path out_;
};

}  // namespace ff::spectral
