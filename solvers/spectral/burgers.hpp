// Viscous Burgers equation on the periodic unit interval,
//
//   u_t + (u²/2)_x = ν u_xx + f(x, t),
//
// pseudo-spectral with 2/3 dealiasing. Time stepping is the integrating-factor
// Runge–Kutta scheme IFRK4: diffusion is integrated exactly through
// exp(−νκ²t), so it sets no step limit, and the advection is fourth order.
// Steps are at most max_dt; with `adaptive` they also shrink to keep the CFL
// number dt·max|u|·n at `cfl`, without it a larger CFL number is an error.
#pragma once

#include "solvers/fourier/fft.hpp"
#include "solvers/spectral/integrating_factor_rk4.hpp"
#include "solvers/spectral/spectral_grid.hpp"

#include <functional>
#include <vector>

namespace ff::spectral {

struct BurgersOptions {
  int n = 1024;          // grid points
  double nu = 0.1;       // viscosity
  double max_dt = 1e-3;  // largest step
  double cfl = 0.5;      // CFL limit (target when adaptive)
  bool adaptive = true;
};

// Writes f(x_j, t) at the n grid points x_j = j/n.
using BurgersForcing = std::function<void(double t, double* values)>;

class Burgers1D {
 public:
  Burgers1D(const BurgersOptions& options, BurgersForcing forcing = {});

  void set_state(const double* u);  // n values; sets time to 0
  void state(double* u);            // n values of the current solution
  // Steps from time() to exactly t_end. A non-finite solution or, with fixed
  // steps, a CFL violation is a RunError naming the time and the quantity.
  void advance_to(double t_end);

  double time() const { return time_; }
  long steps_taken() const { return steps_; }

 private:
  // Spectrum of −(u²/2)_x (dealiased) + f(t) at the state `u_hat`; the
  // maximum speed of that state goes to max_speed_.
  void tendency(const SpectrumBuffer& u_hat, double t, SpectrumBuffer& out);
  double choose_step(double remaining) const;

  BurgersOptions options_;
  BurgersForcing forcing_;
  RealFFT fft_;
  SpectralGrid grid_;
  IntegratingFactorRK4 stepper_;
  SpectrumBuffer u_hat_, first_tendency_, forcing_hat_;
  RealBuffer physical_;
  std::vector<double> forcing_values_;
  double time_ = 0, max_speed_ = 0;
  long steps_ = 0;
};

}  // namespace ff::spectral
