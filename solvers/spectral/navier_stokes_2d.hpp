// Incompressible Navier–Stokes in 2D, vorticity form, on the unit torus:
//
//   w_t + u·∇w = ν Δw − μ w + f,   u = (ψ_y, −ψ_x),   −Δψ = w,
//
// with viscosity ν, linear drag μ (0 unless Kolmogorov flow asks for it) and a
// time-independent vorticity forcing f, pseudo-spectral in space. Two time
// schemes:
//
//  - ifrk4 (the default): the integrating-factor RK4 of
//    integrating_factor_rk4.hpp, diffusion and drag exact, advection and
//    forcing fourth order, the step set by a CFL number; Orszag's 2/3 rule
//    (3|k_a| < n). 4 advection evaluations per step.
//  - fno: the step of the FNO paper's data generator (ns_2d.py in the
//    neuraloperator project), reproduced term by term: one explicit
//    evaluation of the advection term, Crank–Nicolson for diffusion, drag and
//    forcing, its dealiasing mask |k_a| ≤ (2/3)·floor(n/2), its Nyquist
//    wavenumber −n/2 and its float32 Crank–Nicolson factors. First order in
//    time.
//
// An advection evaluation is one batched inverse FFT of four fields (u, v,
// w_x, w_y) and one forward FFT.
#pragma once

#include "solvers/fourier/batched_fft.hpp"
#include "solvers/spectral/integrating_factor_rk4.hpp"
#include "solvers/spectral/spectral_grid.hpp"

#include <complex>
#include <vector>

namespace ff::spectral {

enum class TimeScheme { ifrk4, fno };

struct NavierStokes2DOptions {
  int n = 128;        // grid points per axis
  double nu = 1e-3;   // viscosity
  double drag = 0.0;  // linear drag μ
  TimeScheme scheme = TimeScheme::ifrk4;
  double dt = 1e-4;      // fno: the step; ifrk4: the largest step
  double cfl = 0.0;      // ifrk4 in advance_to: when > 0, steps shrink to dt·max(|u|+|v|)·n ≤ cfl
  double max_cfl = 1.0;  // a step with a larger CFL number is an error
  int threads = 1;       // FFTW threads
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

  void set_vorticity(const double* w);                       // n² values; sets time to 0
  void set_spectrum(const std::complex<double>* w_hat);      // Fourier coefficients (fft.hpp); time 0
  void vorticity(double* w);                                 // n² values of the current state
  const SpectrumBuffer& spectrum() const { return w_hat_; }  // its Fourier coefficients

  // `steps` steps of dt.
  void advance(long steps);
  // Up to time t exactly: steps of dt (t − time() must be a whole number of
  // them) or, for ifrk4 with cfl > 0, the fewest equal steps to t that keep
  // the CFL number of the state at each step start ≤ cfl and the step ≤ dt.
  // A CFL number above max_cfl or a non-finite flow is a RunError naming
  // the time and the quantity.
  void advance_to(double t);

  double time() const { return time_; }
  long steps_taken() const { return steps_; }
  FlowDiagnostics diagnostics() const;
  const NavierStokes2DOptions& options() const { return options_; }
  int ffts_per_step() const { return options_.scheme == TimeScheme::fno ? 5 : 20; }

 private:
  // f̂ + dealiased spectrum of −u·∇w for `w_hat`; records the largest |u|+|v|.
  void tendency(const SpectrumBuffer& w_hat, SpectrumBuffer& out);
  // One step of h from the state whose tendency is in first_.
  void step(double h);
  void check_cfl(double h) const;
  void set_generator_factors();

  NavierStokes2DOptions options_;
  SpectralGrid grid_;
  RealFFTBatch single_, velocity_and_gradient_;
  IntegratingFactorRK4 ifrk4_;
  std::vector<double> dealias_;  // the scheme's mask
  std::vector<double> kappa_x_;  // 2πk_x of the x-derivative (the fno scheme keeps its Nyquist row)
  SpectrumBuffer w_hat_, f_hat_, first_, four_hat_, one_hat_;
  RealBuffer four_fields_, product_;
  std::vector<double> explicit_factor_, implicit_factor_;  // fno, Crank–Nicolson: 1 + dt L/2, 1/(1 − dt L/2)
  double time_ = 0, speed_ = 0;
  long steps_ = 0;
};

}  // namespace ff::spectral
