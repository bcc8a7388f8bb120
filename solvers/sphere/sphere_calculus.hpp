// Vector calculus on a sphere of radius a through spherical harmonics.
//
// A tangent vector field (u eastward, v northward) is written with a
// streamfunction ψ and a velocity potential χ as v⃗ = k × ∇ψ + ∇χ, so
//   ζ = k·∇×v⃗ = ∇²ψ   (vorticity),   δ = ∇·v⃗ = ∇²χ   (divergence).
// With μ = sin(latitude) and H_lm = (1 − μ²) dP̄_lm/dμ, the recurrence
//   H_lm = −l ε_{l+1,m} P̄_{l+1,m} + (l+1) ε_lm P̄_{l−1,m},  ε_lm = √((l² − m²)/(4l² − 1)),
// turns every derivative in latitude into a shift in degree, so each vector
// operation is two scalar transforms at lmax + 1 and O(lmax²) arithmetic on
// coefficients:
//   synthesis: u cos φ = (1/a) Σ [im χ_lm P̄ − ψ_lm H],  v cos φ = (1/a) Σ [im ψ_lm P̄ + χ_lm H];
//   analysis:  ζ_lm = (1/a) ∫ [im ṽ P̄ + ũ H] dμ,  δ_lm = (1/a) ∫ [im ũ P̄ − ṽ H] dμ
// with ũ = u / cos φ, ṽ = v / cos φ. Both are exact for band-limited fields on
// Gauss grids (no ring at a pole), which is what this class accepts.
#pragma once

#include "solvers/sphere/sht.hpp"

#include <complex>
#include <memory>
#include <vector>

namespace ff::sphere {

using Coefficients = std::vector<std::complex<double>>;

class SphereCalculus {
 public:
  // InputError for a grid with pole rings or one that cannot resolve lmax + 1.
  SphereCalculus(const SphereGrid& grid, int lmax, double radius = 1.0, int threads = 1);
  ~SphereCalculus();

  const SphereGrid& grid() const;
  int lmax() const;
  double radius() const;
  long coefficient_count() const;  // per field, triangular with mmax = lmax
  long index(int l, int m) const;

  // Scalar transforms (SphericalHarmonicTransform at lmax).
  void analysis(const double* field, std::complex<double>* coefficients);
  void synthesis(const std::complex<double>* coefficients, double* field);

  // (u, v) = k × ∇ψ + ∇χ on the grid.
  void velocity_from_potentials(const std::complex<double>* psi, const std::complex<double>* chi, double* u, double* v);
  // (u, v) from vorticity and divergence (the l = 0 parts must be zero; they are ignored).
  void velocity_from_vorticity_divergence(const std::complex<double>* vorticity, const std::complex<double>* divergence,
                                          double* u, double* v);
  // k·∇×(u, v) and ∇·(u, v) of a grid vector field.
  void vorticity_divergence(const double* u, const double* v, std::complex<double>* vorticity,
                            std::complex<double>* divergence);

  // −l(l+1)/a² on each coefficient, and its inverse (l = 0 mapped to 0).
  double laplacian_eigenvalue(int l) const;
  void laplacian(std::complex<double>* coefficients) const;
  void inverse_laplacian(std::complex<double>* coefficients) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ff::sphere
