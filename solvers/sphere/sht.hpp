// Scalar spherical harmonic transform of real fields on a SphereGrid.
//
//   forward:  a_lm = ∫ f Ȳ_lm dΩ ≈ Σ_j w_j P̄_lm(x_j) (2π/nlon) Σ_k f_jk e^{−imφ_k}
//   inverse:  f(θ, φ) = Σ_l [a_l0 Y_l0 + 2 Re Σ_{m=1..min(l,mmax)} a_lm Y_lm]
//
// for 0 ≤ m ≤ mmax ≤ lmax, stored m-major (legendre.hpp: triangular_index).
// FFTW along longitude, then the Legendre sums per order m, split into the
// even and odd parts about the equator and parallel over m (OpenMP).
//
// Legendre values come either from a table made once (fast at moderate lmax,
// memory (lmax²/2)·(nlat/2) doubles) or from the recurrence on the fly
// (memory O(lmax²), the choice for high lmax).
//
// One object transforms one field or a batch at a time; it keeps scratch
// buffers, so a single object must not be used from two threads at once.
#pragma once

#include "solvers/sphere/sphere_grid.hpp"

#include <complex>
#include <cstddef>
#include <memory>
#include <string>

namespace ff::sphere {

enum class LegendreMode { table, on_the_fly };
std::string to_string(LegendreMode mode);
LegendreMode legendre_mode_from_string(const std::string& name);  // InputError naming the choices

struct ShtOptions {
  int lmax = 0;
  int mmax = -1;  // -1: mmax = lmax
  LegendreMode legendre = LegendreMode::on_the_fly;
  int threads = 1;
  double max_table_gib = 4.0;  // a table beyond this is an InputError pointing at on_the_fly
};

class SphericalHarmonicTransform {
 public:
  // InputError when the grid cannot resolve lmax (SphereGrid::max_exact_degree)
  // or has fewer than 2 mmax + 1 longitudes.
  SphericalHarmonicTransform(const SphereGrid& grid, const ShtOptions& options);
  ~SphericalHarmonicTransform();
  SphericalHarmonicTransform(const SphericalHarmonicTransform&) = delete;
  SphericalHarmonicTransform& operator=(const SphericalHarmonicTransform&) = delete;

  const SphereGrid& grid() const;
  int lmax() const;
  int mmax() const;
  long coefficient_count() const;  // per field
  long index(int l, int m) const;

  // `fields` holds nfields grids of nlat × nlon values; `coefficients`
  // nfields blocks of coefficient_count().
  void forward(const double* fields, std::complex<double>* coefficients, int nfields = 1);
  void inverse(const std::complex<double>* coefficients, double* fields, int nfields = 1);

  std::size_t legendre_bytes() const;  // memory of the table or of the recurrence data
  std::string kernel_isa() const;      // instruction set of the Legendre kernels in use

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ff::sphere
