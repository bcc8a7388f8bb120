// Incompressible Navier–Stokes in 3D, velocity form, on the periodic unit cube:
//
//   u_t = P[u × ω] + ν Δu + f,   ω = ∇ × u,   ∇·u = 0,
//
// with the rotational form of the nonlinearity (u·∇u = ω × u + ∇|u|²/2; the
// gradient joins the pressure) and P the Leray projection, applied in Fourier
// space as P(κ) = I − κκᵀ/|κ|². Pseudo-spectral with 2/3 dealiasing; in time
// the integrating-factor RK4 scheme, so viscosity is integrated exactly.
//
// The optional forcing keeps isotropic turbulence statistically stationary:
// f̂ = ε/(2E_f) û on the modes 0 < |k| ≤ k_f, where E_f is their energy, so
// it injects exactly the power ε at the largest scales.
//
// Velocity fields are 3 n³ values, component-major (u, v, w), each n³ block
// laid out as in fft.hpp.
#pragma once

#include "solvers/fourier/fft.hpp"
#include "solvers/spectral/integrating_factor_rk4.hpp"
#include "solvers/spectral/spectral_grid.hpp"

#include <vector>

namespace ff::spectral {

struct NavierStokes3DOptions {
  int n = 64;                       // grid points per axis
  double nu = 1e-3;                 // viscosity
  double dt = 1e-3;                 // time step
  double max_cfl = 1.0;             // stop when dt·max(|u|+|v|+|w|)·n exceeds this
  double forcing_power = 0.0;       // ε; 0 for decaying flow
  double forcing_wavenumber = 2.5;  // k_f: forced modes have 0 < |k| ≤ k_f
};

// Budget terms of the current state (averages over the cube).
struct TurbulenceDiagnostics {
  double energy = 0;         // E = ½ ⟨|u|²⟩
  double enstrophy = 0;      // Z = ½ ⟨|ω|²⟩; dE/dt = −2νZ + forcing_power
  double dissipation = 0;    // 2νZ
  double forcing_power = 0;  // ⟨f·u⟩
  double divergence = 0;     // ‖∇·u‖ / ‖∇u‖ (round-off for a solenoidal field)
};

class NavierStokes3D {
 public:
  explicit NavierStokes3D(const NavierStokes3DOptions& options);

  // Sets the velocity (3 n³ values) after projecting it onto solenoidal
  // fields and dropping the modes outside the 2/3 band; time restarts at 0.
  void set_velocity(const double* u);
  void velocity(double* u);       // 3 n³ values
  void vorticity(double* omega);  // 3 n³ values of ∇ × u
  // Takes `steps` steps of dt. A CFL number above max_cfl or a non-finite
  // field is a RunError naming the time and the quantity.
  void advance(long steps);

  double time() const { return time_; }
  long steps_taken() const { return steps_; }
  TurbulenceDiagnostics diagnostics() const;
  // Shell spectrum E(s) = ½ Σ_{round(|k|) = s} |û_k|², s = 0 .. shells()−1.
  std::vector<double> energy_spectrum() const;
  int shells() const { return shells_; }
  const NavierStokes3DOptions& options() const { return options_; }
  static constexpr int ffts_per_step = 4 * 9;  // 3 inverse (u) + 3 inverse (ω) + 3 forward per stage

 private:
  // Spectrum of P[u × ω] (dealiased) + f at the state u_hat, at time t; the
  // maximum speed |u|+|v|+|w| of that state goes to speed_.
  void tendency(const SpectrumBuffer& u_hat, double t, SpectrumBuffer& out);
  // ω̂ component c of the spectrum u_hat, at coefficient k.
  std::complex<double> curl(const SpectrumBuffer& u_hat, int c, long k) const;
  double forced_energy(const SpectrumBuffer& u_hat) const;

  NavierStokes3DOptions options_;
  RealFFT fft_;
  SpectralGrid grid_;
  IntegratingFactorRK4 stepper_;
  long block_ = 0;            // coefficients per component
  std::vector<char> forced_;  // per coefficient: in the forcing band
  int shells_ = 0;
  SpectrumBuffer u_hat_, first_tendency_, work_hat_;
  std::array<RealBuffer, 3> u_, omega_;
  double time_ = 0, speed_ = 0;
  long steps_ = 0;
};

}  // namespace ff::spectral
