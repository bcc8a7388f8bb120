// Initial states of the standard shallow-water tests on the sphere, as grid
// fields (u, v in m/s, h in m) on a ShallowWater's Gauss grid:
//
//  - Williamson et al. (J. Comput. Phys. 102, 1992) test 2: steady zonal
//    geostrophic flow, rotated by α; the exact solution is the initial state.
//    Needs the rotated Coriolis field, which `williamson2_coriolis` gives.
//  - Williamson test 6: Rossby–Haurwitz wave of wavenumber 4.
//  - Galewsky, Scott and Polvani (Tellus 56A, 2004): a balanced mid-latitude
//    jet with a small height bump that makes it unstable.
#pragma once

#include "solvers/sphere/sphere_grid.hpp"

#include <vector>

namespace ff::sphere {

struct ShallowWaterState {
  std::vector<double> u, v, h;
};

struct PlanetConstants {
  double radius = 6.37122e6, omega = 7.292e-5, gravity = 9.80616;
};

ShallowWaterState williamson2(const SphereGrid& grid, const PlanetConstants& planet, double alpha);
std::vector<double> williamson2_coriolis(const SphereGrid& grid, const PlanetConstants& planet, double alpha);
ShallowWaterState rossby_haurwitz(const SphereGrid& grid, const PlanetConstants& planet);
// perturbed = false gives the balanced jet alone (a steady state).
ShallowWaterState galewsky(const SphereGrid& grid, const PlanetConstants& planet, bool perturbed = true);

// Williamson's normalized height errors: l1 = I|h−hT| / I|hT|,
// l2 = √(I(h−hT)²) / √(I hT²), l∞ = max|h−hT| / max|hT|, I the surface integral.
struct NormalizedErrors {
  double l1 = 0, l2 = 0, linf = 0;
};
NormalizedErrors normalized_errors(const SphereGrid& grid, const std::vector<double>& h,
                                   const std::vector<double>& truth);

}  // namespace ff::sphere
