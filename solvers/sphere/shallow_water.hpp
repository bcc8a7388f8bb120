// Shallow water on the rotating sphere, vorticity–divergence form:
//
//   ∂ζ/∂t = −∇·(η v⃗),   ∂δ/∂t = k·∇×(η v⃗) − ∇²(Φ + |v⃗|²/2),   ∂Φ/∂t = −∇·(Φ v⃗),
//
// with η = ζ + f the absolute vorticity, Φ = g h the geopotential and f the
// Coriolis parameter (a grid field, so a rotated frame as in Williamson's
// tests with α ≠ 0 works too). Spectral transform method on a Gauss grid: the
// state is spectral (triangular truncation at lmax), products are formed on
// the grid (choose nlat ≥ 3(lmax+1)/2 to keep quadratic terms unaliased).
//
// Time: third-order Adams–Bashforth on the tendencies, started with two
// classical Runge–Kutta steps, and an implicit hyperdiffusion
// (−1)^{p+1} ν ∇^{2p} applied after each step as the factor
// 1 / (1 + dt ν (l(l+1)/a²)^p); ν is set from the e-folding time of degree lmax.
// Mass (the l = 0 part of Φ) is conserved to round-off by construction.
#pragma once

#include "solvers/sphere/sphere_calculus.hpp"

#include <memory>
#include <vector>

namespace ff::sphere {

struct ShallowWaterOptions {
  int lmax = 85;
  int nlat = 0, nlon = 0;           // 0: nlat = ⌈3(lmax+1)/2⌉ rounded up to even, nlon = 2 nlat
  double radius = 6.37122e6;        // m
  double omega = 7.292e-5;          // rad/s
  double gravity = 9.80616;         // m/s²
  double dt = 150.0;                // s
  double hyperdiffusion_hours = 0;  // e-folding time of degree lmax; 0 switches it off
  int hyperdiffusion_order = 4;     // p: ∇^{2p}
  int threads = 1;
};

struct ShallowWaterDiagnostics {
  double mass = 0;       // ∫ h dΩ / (4π a²): mean depth
  double energy = 0;     // ∫ (h |v⃗|²/2 + g h²/2) dΩ / (4π a²)
  double enstrophy = 0;  // ∫ η² / (2h) dΩ / (4π a²): potential enstrophy
  double max_speed = 0;  // m/s
};

class ShallowWater {
 public:
  // `coriolis` holds f on the grid (nlat·nlon); empty means f = 2Ω sin(latitude).
  ShallowWater(const ShallowWaterOptions& options, std::vector<double> coriolis = {});
  ~ShallowWater();

  const ShallowWaterOptions& options() const;
  const SphereGrid& grid() const;
  SphereCalculus& calculus();

  // Sets the state from grid fields u, v (m/s) and h (m); time goes to 0.
  void set_state(const double* u, const double* v, const double* h);
  // Sets the state from spectral vorticity, divergence and geopotential Φ = g h.
  void set_spectral_state(const Coefficients& vorticity, const Coefficients& divergence,
                          const Coefficients& geopotential);

  // Takes `steps` steps of dt. A non-finite state is a RunError naming the time.
  void advance(long steps);
  double time() const;

  // Grid fields of the current state (nlat·nlon each).
  void height(double* h);
  void velocity(double* u, double* v);
  void vorticity(double* zeta);
  const Coefficients& spectral_vorticity() const;
  const Coefficients& spectral_divergence() const;
  const Coefficients& spectral_geopotential() const;

  ShallowWaterDiagnostics diagnostics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The default Gauss grid of a truncation: ⌈3(lmax+1)/2⌉ latitudes (even), twice as many longitudes.
void default_grid_for(int lmax, int& nlat, int& nlon);

}  // namespace ff::sphere
