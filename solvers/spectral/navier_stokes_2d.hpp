// Incompressible Navier–Stokes in 2D, vorticity form, on the unit torus:
//
//   w_t + u·∇w = ν Δw − μ w + f,   u = (ψ_y, −ψ_x),   −Δψ = w,
//
// with viscosity ν, linear drag μ (0 unless Kolmogorov flow asks for it) and a
// time-independent vorticity forcing f. Pseudo-spectral in space with 2/3
// dealiasing; in time Crank–Nicolson for the linear terms and Heun's
// predictor–corrector for advection (second order), as in the FNO paper's
// data generator. A step costs 10 real FFTs (4 inverse + 1 forward per
// advection evaluation).
#pragma once

#include "solvers/fourier/fft.hpp"
#include "solvers/spectral/spectral_grid.hpp"

#include <vector>

namespace ff::spectral {

struct NavierStokes2DOptions {
  int n = 256;           // grid points per axis
  double nu = 1e-3;      // viscosity
  double drag = 0.0;     // linear drag μ
  double dt = 1e-4;      // time step
  double max_cfl = 1.0;  // stop when dt·max(|u|+|v|)·n exceeds this
};

// Budget terms of the current state (per unit area of the torus).
struct FlowDiagnostics {
  double energy = 0;           // E = ½ ⟨|u|²⟩
  double enstrophy = 0;        // Z = ½ ⟨w²⟩
  double palinstrophy = 0;     // P = ½ ⟨|∇w|²⟩
  double energy_input = 0;     // ⟨ψ f⟩: power of the forcing, dE/dt = −2νZ − 2μE + this
  double enstrophy_input = 0;  // ⟨w f⟩: dZ/dt = −2νP − 2μZ + this
};

class NavierStokes2D {
 public:
  // `forcing` holds n² physical values of f, or is empty for f = 0.
  NavierStokes2D(const NavierStokes2DOptions& options, const std::vector<double>& forcing);

  void set_vorticity(const double* w);  // n² values; sets time to 0
  void vorticity(double* w);            // n² values of the current state
  // Takes `steps` steps of dt. A CFL number above max_cfl or a non-finite
  // velocity is a RunError naming the time and the quantity.
  void advance(long steps);

  double time() const { return time_; }
  long steps_taken() const { return steps_; }
  FlowDiagnostics diagnostics() const;
  const NavierStokes2DOptions& options() const { return options_; }
  static constexpr int ffts_per_step = 10;

 private:
  // Dealiased spectrum of −u·∇w for the state `w_hat`; records the CFL number.
  void advection(const SpectrumBuffer& w_hat, SpectrumBuffer& out);

  NavierStokes2DOptions options_;
  RealFFT fft_;
  SpectralGrid grid_;
  SpectrumBuffer w_hat_, f_hat_, predictor_, n0_, n1_, work_hat_;
  RealBuffer u_, v_, wx_, wy_;
  std::vector<double> explicit_factor_, implicit_factor_;  // CN: (1 + dt L/2), 1/(1 − dt L/2)
  double time_ = 0, cfl_ = 0;
  long steps_ = 0;
};

}  // namespace ff::spectral
