#include "solvers/sphere/sht.hpp"

#include "core/error.hpp"
#include "solvers/fourier/fft.hpp"
#include "solvers/sphere/legendre.hpp"
#include "solvers/sphere/legendre_kernels.hpp"

#include <fftw3.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ff::sphere {
namespace {

constexpr double pi = 3.14159265358979323846;

int round_up(int n, int multiple) { return (n + multiple - 1) / multiple * multiple; }

}  // namespace

std::string to_string(LegendreMode mode) { return mode == LegendreMode::table ? "table" : "on_the_fly"; }

LegendreMode legendre_mode_from_string(const std::string& name) {
  if (name == "table") return LegendreMode::table;
  if (name == "on_the_fly") return LegendreMode::on_the_fly;
  throw InputError(fmt::format("unknown Legendre mode '{}': expected table or on_the_fly", name));
}

struct SphericalHarmonicTransform::Impl {
  SphereGrid grid;
  ShtOptions options;
  int nhalf = 0, nhalf_padded = 0, nfreq = 0;
  long ncoeff = 0;
  const detail::LegendreKernels* kernels = nullptr;

  // Legendre data, padded to whole ring blocks: x, then either the table or
  // the recurrence coefficients with P̄_mm.
  std::vector<double> x;
  std::unique_ptr<LegendreRecurrence> recurrence;
  DiagonalLegendre diagonal;
  std::vector<double> table;  // [offset(m) + l − m][half ring]
  std::vector<double> quadrature;  // w_j · 2π / nlon per half ring

  fftw_plan ring_forward = nullptr, ring_inverse = nullptr;
  std::vector<std::complex<double>> spectrum;  // [field][ring][frequency]
  std::vector<double> sums, scratch;           // per thread

  detail::LegendreOrder order(int m) const {
    detail::LegendreOrder o;
    o.m = m;
    o.lmax = options.lmax;
    o.nhalf_padded = nhalf_padded;
    o.x = x.data();
    if (options.legendre == LegendreMode::table) {
      o.table = table.data() + triangular_offset(options.lmax, m) * nhalf_padded;
    } else {
      o.step = recurrence->step_coefficient(m);
      o.norm = recurrence->normalization(m);
      o.pmm = diagonal.mantissa.data() + static_cast<long>(m) * nhalf_padded;
      o.pmm_scale = diagonal.scale.data() + static_cast<long>(m) * nhalf_padded;
    }
    return o;
  }

  void reserve(int nfields) {
    const int threads = options.threads;
    spectrum.resize(static_cast<std::size_t>(nfields) * grid.nlat * nfreq);
    sums.resize(static_cast<std::size_t>(threads) * 4 * nfields * nhalf_padded);
    scratch.resize(static_cast<std::size_t>(threads) * 2 * (options.lmax + 2) * 8 * nfields);
  }

  detail::HalfRingSums thread_sums(int thread, int nfields) {
    double* base = sums.data() + static_cast<std::size_t>(thread) * 4 * nfields * nhalf_padded;
    const std::size_t part = static_cast<std::size_t>(nfields) * nhalf_padded;
    return {base, base + part, base + 2 * part, base + 3 * part};
  }
};

SphericalHarmonicTransform::SphericalHarmonicTransform(const SphereGrid& grid, const ShtOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.grid = grid;
  d.options = options;
  ShtOptions& o = d.options;
  if (o.mmax < 0) o.mmax = o.lmax;
  FF_REQUIRE(o.lmax >= 0 && o.mmax <= o.lmax, InputError, "spherical harmonics need 0 <= mmax <= lmax, got {} and {}",
             o.mmax, o.lmax);
  FF_REQUIRE(o.lmax <= grid.max_exact_degree(), InputError,
             "a {} grid with {} latitudes resolves lmax up to {}, not {} (use nlat >= {})", to_string(grid.kind),
             grid.nlat, grid.max_exact_degree(), o.lmax,
             grid.kind == GridKind::gauss ? o.lmax + 1 : 2 * o.lmax + 1);
  FF_REQUIRE(grid.nlon >= 2 * o.mmax + 1, InputError, "{} longitudes cannot hold order m = {} (use nlon >= {})",
             grid.nlon, o.mmax, 2 * o.mmax + 1);
  FF_REQUIRE(o.threads >= 1, InputError, "threads must be at least 1, got {}", o.threads);

  d.nhalf = (grid.nlat + 1) / 2;
  d.nhalf_padded = round_up(d.nhalf, detail::ring_block);
  d.nfreq = grid.nlon / 2 + 1;
  d.ncoeff = triangular_size(o.lmax, o.mmax);
  d.kernels = &detail::legendre_kernels();

  d.x.assign(d.nhalf_padded, 0.0);
  d.quadrature.assign(d.nhalf, 0.0);
  std::vector<double> sin_half(d.nhalf_padded, 0.0), cos_half(d.nhalf_padded, 0.0);
  for (int j = 0; j < d.nhalf; ++j) {
    d.x[j] = cos_half[j] = grid.cos_theta[j];
    sin_half[j] = grid.sin_theta[j];
    d.quadrature[j] = grid.weights[j] * 2.0 * pi / grid.nlon;
  }
  if (o.legendre == LegendreMode::table) {
    const double gib = double(d.ncoeff) * d.nhalf_padded * sizeof(double) / double(1L << 30);
    FF_REQUIRE(gib <= o.max_table_gib, InputError,
               "a Legendre table for lmax {} on {} latitudes needs {:.1f} GiB (limit {:.1f}); use legendre: on_the_fly",
               o.lmax, grid.nlat, gib, o.max_table_gib);
    d.table = legendre_values(o.lmax, o.mmax, cos_half, sin_half);
  } else {
    d.recurrence = std::make_unique<LegendreRecurrence>(o.lmax, o.mmax);
    d.diagonal = diagonal_legendre(o.mmax, sin_half);
  }
  // Padding rings have sin θ = 0, so P̄_mm = 0 there for m > 0; m = 0 needs it zeroed.
  for (int j = d.nhalf; j < d.nhalf_padded; ++j) {
    if (o.legendre == LegendreMode::table)
      for (long k = 0; k < d.ncoeff; ++k) d.table[k * d.nhalf_padded + j] = 0.0;
    else
      d.diagonal.mantissa[j] = 0.0;
  }

  auto lock = spectral::lock_fftw_planner();
  std::vector<double> ring(grid.nlon);
  std::vector<std::complex<double>> freq(d.nfreq);
  auto* f = reinterpret_cast<fftw_complex*>(freq.data());
  fftw_plan_with_nthreads(1);
  d.ring_forward = fftw_plan_dft_r2c_1d(grid.nlon, ring.data(), f, FFTW_MEASURE | FFTW_UNALIGNED);
  d.ring_inverse = fftw_plan_dft_c2r_1d(grid.nlon, f, ring.data(), FFTW_MEASURE | FFTW_UNALIGNED);
  FF_REQUIRE(d.ring_forward && d.ring_inverse, RunError, "FFTW could not plan {}-point ring transforms", grid.nlon);
}

SphericalHarmonicTransform::~SphericalHarmonicTransform() {
  auto lock = spectral::lock_fftw_planner();
  fftw_destroy_plan(impl_->ring_forward);
  fftw_destroy_plan(impl_->ring_inverse);
}

const SphereGrid& SphericalHarmonicTransform::grid() const { return impl_->grid; }
int SphericalHarmonicTransform::lmax() const { return impl_->options.lmax; }
int SphericalHarmonicTransform::mmax() const { return impl_->options.mmax; }
long SphericalHarmonicTransform::coefficient_count() const { return impl_->ncoeff; }
long SphericalHarmonicTransform::index(int l, int m) const { return triangular_index(impl_->options.lmax, l, m); }
std::string SphericalHarmonicTransform::kernel_isa() const { return impl_->kernels->isa; }

std::size_t SphericalHarmonicTransform::legendre_bytes() const {
  const Impl& d = *impl_;
  if (d.options.legendre == LegendreMode::table) return d.table.size() * sizeof(double);
  return 4 * d.ncoeff * sizeof(double) + d.diagonal.mantissa.size() * (sizeof(double) + sizeof(int));
}

void SphericalHarmonicTransform::forward(const double* fields, std::complex<double>* coefficients, int nfields) {
  Impl& d = *impl_;
  const SphereGrid& g = d.grid;
  d.reserve(nfields);
  const long rings = static_cast<long>(nfields) * g.nlat;
#pragma omp parallel for num_threads(d.options.threads) schedule(static)
  for (long r = 0; r < rings; ++r)
    fftw_execute_dft_r2c(d.ring_forward, const_cast<double*>(fields + r * g.nlon),
                         reinterpret_cast<fftw_complex*>(d.spectrum.data() + r * d.nfreq));

#pragma omp parallel num_threads(d.options.threads)
  {
    const int thread = omp_get_thread_num();
    const detail::HalfRingSums s = d.thread_sums(thread, nfields);
    double* scratch = d.scratch.data() + static_cast<std::size_t>(thread) * 2 * (d.options.lmax + 2) * 8 * nfields;
    // Largest orders are the cheapest; hand out the expensive ones first.
#pragma omp for schedule(dynamic, 1)
    for (int m = 0; m <= d.options.mmax; ++m) {
      std::fill(s.even_re, s.even_re + 4L * nfields * d.nhalf_padded, 0.0);
      for (int f = 0; f < nfields; ++f)
        for (int j = 0; j < d.nhalf; ++j) {
          const long south_ring = g.nlat - 1 - j;
          const std::complex<double> north = d.spectrum[(static_cast<long>(f) * g.nlat + j) * d.nfreq + m];
          const std::complex<double> south = south_ring == j ? 0.0
                                                              : d.spectrum[(f * g.nlat + south_ring) * d.nfreq + m];
          const std::complex<double> even = d.quadrature[j] * (north + south), odd = d.quadrature[j] * (north - south);
          const long k = static_cast<long>(f) * d.nhalf_padded + j;
          s.even_re[k] = even.real();
          s.even_im[k] = even.imag();
          s.odd_re[k] = odd.real();
          s.odd_im[k] = odd.imag();
        }
      d.kernels->forward(d.order(m), nfields, s,
                         reinterpret_cast<double*>(coefficients + triangular_offset(d.options.lmax, m)), d.ncoeff,
                         scratch);
    }
  }
}

void SphericalHarmonicTransform::inverse(const std::complex<double>* coefficients, double* fields, int nfields) {
  Impl& d = *impl_;
  const SphereGrid& g = d.grid;
  d.reserve(nfields);
#pragma omp parallel num_threads(d.options.threads)
  {
    const int thread = omp_get_thread_num();
    const detail::HalfRingSums s = d.thread_sums(thread, nfields);
    double* scratch = d.scratch.data() + static_cast<std::size_t>(thread) * 2 * (d.options.lmax + 2) * 8 * nfields;
#pragma omp for schedule(dynamic, 1)
    for (int m = 0; m < d.nfreq; ++m) {
      if (m > d.options.mmax) {
        for (long r = 0; r < static_cast<long>(nfields) * g.nlat; ++r) d.spectrum[r * d.nfreq + m] = 0.0;
        continue;
      }
      d.kernels->inverse(d.order(m), nfields,
                         reinterpret_cast<const double*>(coefficients + triangular_offset(d.options.lmax, m)),
                         d.ncoeff, s, scratch);
      for (int f = 0; f < nfields; ++f)
        for (int j = 0; j < d.nhalf; ++j) {
          const long k = static_cast<long>(f) * d.nhalf_padded + j;
          std::complex<double> even(s.even_re[k], s.even_im[k]), odd(s.odd_re[k], s.odd_im[k]);
          if (m == 0) even.imag(0.0), odd.imag(0.0);  // a real field's m = 0 part is real
          const long south_ring = g.nlat - 1 - j;
          d.spectrum[(static_cast<long>(f) * g.nlat + j) * d.nfreq + m] = even + odd;
          if (south_ring != j) d.spectrum[(f * g.nlat + south_ring) * d.nfreq + m] = even - odd;
        }
    }
  }
  const long rings = static_cast<long>(nfields) * g.nlat;
#pragma omp parallel for num_threads(d.options.threads) schedule(static)
  for (long r = 0; r < rings; ++r)
    fftw_execute_dft_c2r(d.ring_inverse, reinterpret_cast<fftw_complex*>(d.spectrum.data() + r * d.nfreq),
                         fields + r * g.nlon);
}

}  // namespace ff::sphere
