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

// Ring pairs per step of the transposition between ring spectra and the
// m-major half-ring sums: eight doubles fill a cache line of each sum array.
constexpr int pair_block = 8;

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
  // the recurrence coefficients; per order and ring block where the sums
  // start (the recurrence state there, made from P̄_mm, which is then freed).
  std::vector<double> x;
  std::unique_ptr<LegendreRecurrence> recurrence;
  DiagonalLegendre diagonal;
  std::vector<double> table;               // [offset(m) + l − m][half ring]
  std::vector<detail::BlockStart> starts;  // [m][ring block], see legendre_kernels.hpp
  std::vector<double> quadrature;          // w_j · 2π / nlon per half ring

  // FFTW along rings, planned on SIMD-aligned arrays: the same plans on
  // unaligned ones (FFTW_UNALIGNED) run about 2.5x slower. A ring of the
  // caller's fields with another alignment goes through an aligned copy.
  fftw_plan ring_forward = nullptr, ring_inverse = nullptr;
  int nfreq_padded = 0;     // frequencies per ring spectrum, keeping each spectrum aligned
  int field_alignment = 0;  // fftw_alignment_of the planned real arrays
  // The half-ring sums of every order, m-major ([m][even re, even im, odd re,
  // odd im][field][half ring]), so each order's kernel reads or writes one
  // contiguous slice; the FFT stage transposes through cache-sized blocks.
  spectral::RealBuffer sums;
  // Per thread: the spectra of one block of ring pairs, a ring, the kernels' scratch.
  spectral::SpectrumBuffer ring_spectra;
  spectral::RealBuffer ring_copy;
  std::vector<double> scratch;
  std::size_t scratch_per_thread = 0;

  detail::LegendreOrder order(int m) const {
    detail::LegendreOrder o;
    o.m = m;
    o.lmax = options.lmax;
    o.nhalf_padded = nhalf_padded;
    o.x = x.data();
    if (!starts.empty()) o.start = starts.data() + static_cast<long>(m) * (nhalf_padded / detail::ring_block);
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
    sums.resize(static_cast<std::size_t>(options.mmax + 1) * 4 * nfields * nhalf_padded);
    ring_spectra.resize(static_cast<std::size_t>(threads) * 2 * pair_block * nfreq_padded);
    ring_copy.resize(static_cast<std::size_t>(threads) * round_up(grid.nlon, 8));
    scratch_per_thread = static_cast<std::size_t>(2) * (options.lmax + 2) * 8 * nfields;
    scratch.resize(threads * scratch_per_thread);
  }

  detail::HalfRingSums order_sums(int m, int nfields) {
    const std::size_t part = static_cast<std::size_t>(nfields) * nhalf_padded;
    double* base = sums.data() + static_cast<std::size_t>(m) * 4 * part;
    return {base, base + part, base + 2 * part, base + 3 * part};
  }

  // The transforms of `nfields` fields together (both stages for all of them).
  // With one thread the public methods call them once per field: see forward().
  void forward_fields(const double* fields, std::complex<double>* coefficients, int nfields);
  void inverse_fields(const std::complex<double>* coefficients, double* fields, int nfields);
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
             grid.nlat, grid.max_exact_degree(), o.lmax, grid.kind == GridKind::gauss ? o.lmax + 1 : 2 * o.lmax + 1);
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

  // Where each ring block starts to count, per order. P̄_mm is needed for nothing else.
  const int nblocks = d.nhalf_padded / detail::ring_block;
  d.starts.resize(static_cast<std::size_t>(o.mmax + 1) * nblocks);
  int failed_order = -1;
#pragma omp parallel for num_threads(o.threads) schedule(dynamic, 1)
  for (int m = 0; m <= o.mmax; ++m)
    if (!d.kernels->prepare(d.order(m), d.starts.data() + static_cast<long>(m) * nblocks)) {
#pragma omp critical
      failed_order = m;
    }
  FF_REQUIRE(failed_order < 0, RunError,
             "SHT: order {} needs more than {} unscaling events in a block of latitudes (lmax {}, {} latitudes)",
             failed_order, detail::max_block_events, o.lmax, grid.nlat);
  d.diagonal = DiagonalLegendre();

  d.nfreq_padded = round_up(d.nfreq, 4);
  auto lock = spectral::lock_fftw_planner();
  spectral::RealBuffer ring(grid.nlon);
  spectral::SpectrumBuffer freq(d.nfreq);
  auto* f = reinterpret_cast<fftw_complex*>(freq.data());
  fftw_plan_with_nthreads(1);
  d.ring_forward = fftw_plan_dft_r2c_1d(grid.nlon, ring.data(), f, FFTW_MEASURE);
  d.ring_inverse = fftw_plan_dft_c2r_1d(grid.nlon, f, ring.data(), FFTW_MEASURE);
  d.field_alignment = fftw_alignment_of(ring.data());
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
  if (d.options.legendre == LegendreMode::table)
    return d.table.size() * sizeof(double) + d.starts.size() * sizeof(detail::BlockStart);
  return 4 * d.ncoeff * sizeof(double) + d.starts.size() * sizeof(detail::BlockStart);
}

// Forward: FFT the rings of a block of ring pairs, then write the pairs'
// even and odd parts (times the quadrature weight) into every order's slice
// of `sums`; then the Legendre sums per order.
//
// With one thread, batches run one field after the other. All fields at once
// made the sums of every order nfields times larger (10 MiB for 10 fields at
// lmax 255, beyond L2), and each stage then streamed them from memory: at
// lmax 255, 10 fields took 1.3x the time of 10 single fields. With more
// threads the batch stays whole, as each field would add the barriers of both
// stages (on the loaded 2-core test machine 10 fields one by one took 5x
// longer). Either way the results are bitwise those of single calls.
void SphericalHarmonicTransform::forward(const double* fields, std::complex<double>* coefficients, int nfields) {
  Impl& d = *impl_;
  if (d.options.threads > 1) return d.forward_fields(fields, coefficients, nfields);
  const long npix = static_cast<long>(d.grid.nlat) * d.grid.nlon;
  for (int f = 0; f < nfields; ++f) d.forward_fields(fields + f * npix, coefficients + f * d.ncoeff, 1);
}

void SphericalHarmonicTransform::inverse(const std::complex<double>* coefficients, double* fields, int nfields) {
  Impl& d = *impl_;
  if (d.options.threads > 1) return d.inverse_fields(coefficients, fields, nfields);
  const long npix = static_cast<long>(d.grid.nlat) * d.grid.nlon;
  for (int f = 0; f < nfields; ++f) d.inverse_fields(coefficients + f * d.ncoeff, fields + f * npix, 1);
}

void SphericalHarmonicTransform::Impl::forward_fields(const double* fields, std::complex<double>* coefficients,
                                                      int nfields) {
  Impl& d = *this;
  const SphereGrid& g = d.grid;
  const int mmax = d.options.mmax;
  d.reserve(nfields);
  const int blocks = d.nhalf_padded / pair_block;
#pragma omp parallel num_threads(d.options.threads)
  {
    const int thread = omp_get_thread_num();
    std::complex<double>* spectra =
        d.ring_spectra.data() + static_cast<std::size_t>(thread) * 2 * pair_block * d.nfreq_padded;
    double* copy = d.ring_copy.data() + static_cast<std::size_t>(thread) * round_up(g.nlon, 8);
#pragma omp for schedule(static)
    for (int task = 0; task < nfields * blocks; ++task) {
      const int f = task / blocks, j0 = task % blocks * pair_block;
      const int npairs = std::max(0, std::min(pair_block, d.nhalf - j0));
      // spectra[2p] north ring j0 + p, spectra[2p + 1] its southern twin (zero on the equator)
      for (int p = 0; p < npairs; ++p)
        for (int side = 0; side < 2; ++side) {
          const long ring = side == 0 ? j0 + p : g.nlat - 1 - (j0 + p);
          std::complex<double>* out = spectra + (2 * p + side) * d.nfreq_padded;
          if (side == 1 && ring == j0 + p) {
            std::fill(out, out + d.nfreq, 0.0);
            continue;
          }
          const double* in = fields + (static_cast<long>(f) * g.nlat + ring) * g.nlon;
          if (fftw_alignment_of(const_cast<double*>(in)) != d.field_alignment)
            in = std::copy(in, in + g.nlon, copy) - g.nlon;
          fftw_execute_dft_r2c(d.ring_forward, const_cast<double*>(in), reinterpret_cast<fftw_complex*>(out));
        }
      for (int m = 0; m <= mmax; ++m) {
        const detail::HalfRingSums s = d.order_sums(m, nfields);
        const std::size_t k0 = f * static_cast<std::size_t>(d.nhalf_padded) + j0;
        for (int p = 0; p < pair_block; ++p) {  // pairs past the last (padding) get zeros
          std::complex<double> even = 0.0, odd = 0.0;
          if (p < npairs) {
            const std::complex<double> north = spectra[2 * p * d.nfreq_padded + m];
            const std::complex<double> south = spectra[(2 * p + 1) * d.nfreq_padded + m];
            even = d.quadrature[j0 + p] * (north + south);
            odd = d.quadrature[j0 + p] * (north - south);
          }
          s.even_re[k0 + p] = even.real();
          s.even_im[k0 + p] = even.imag();
          s.odd_re[k0 + p] = odd.real();
          s.odd_im[k0 + p] = odd.imag();
        }
      }
    }

    double* scratch = d.scratch.data() + thread * d.scratch_per_thread;
    // Largest orders are the cheapest; hand out the expensive ones first.
#pragma omp for schedule(dynamic, 1)
    for (int m = 0; m <= mmax; ++m)
      d.kernels->forward(d.order(m), nfields, d.order_sums(m, nfields),
                         reinterpret_cast<double*>(coefficients + triangular_offset(d.options.lmax, m)), d.ncoeff,
                         scratch);
  }
}

// Inverse: the Legendre sums per order into `sums`, then per block of ring
// pairs the ring spectra (north = even + odd, south = even − odd) and FFTs.
void SphericalHarmonicTransform::Impl::inverse_fields(const std::complex<double>* coefficients, double* fields,
                                                      int nfields) {
  Impl& d = *this;
  const SphereGrid& g = d.grid;
  const int mmax = d.options.mmax;
  d.reserve(nfields);
  const int blocks = d.nhalf_padded / pair_block;
#pragma omp parallel num_threads(d.options.threads)
  {
    const int thread = omp_get_thread_num();
    double* scratch = d.scratch.data() + thread * d.scratch_per_thread;
#pragma omp for schedule(dynamic, 1)
    for (int m = 0; m <= mmax; ++m)
      d.kernels->inverse(d.order(m), nfields,
                         reinterpret_cast<const double*>(coefficients + triangular_offset(d.options.lmax, m)), d.ncoeff,
                         d.order_sums(m, nfields), scratch);

    std::complex<double>* spectra =
        d.ring_spectra.data() + static_cast<std::size_t>(thread) * 2 * pair_block * d.nfreq_padded;
    double* copy = d.ring_copy.data() + static_cast<std::size_t>(thread) * round_up(g.nlon, 8);
#pragma omp for schedule(static)
    for (int task = 0; task < nfields * blocks; ++task) {
      const int f = task / blocks, j0 = task % blocks * pair_block;
      const int npairs = std::max(0, std::min(pair_block, d.nhalf - j0));
      if (npairs == 0) continue;
      const std::size_t k0 = f * static_cast<std::size_t>(d.nhalf_padded) + j0;
      for (int m = 0; m <= mmax; ++m) {
        const detail::HalfRingSums s = d.order_sums(m, nfields);
        for (int p = 0; p < npairs; ++p) {
          std::complex<double> even(s.even_re[k0 + p], s.even_im[k0 + p]), odd(s.odd_re[k0 + p], s.odd_im[k0 + p]);
          if (m == 0) even.imag(0.0), odd.imag(0.0);  // a real field's m = 0 part is real
          spectra[2 * p * d.nfreq_padded + m] = even + odd;
          spectra[(2 * p + 1) * d.nfreq_padded + m] = even - odd;
        }
      }
      for (int p = 0; p < npairs; ++p)
        for (int side = 0; side < 2; ++side) {
          const long ring = side == 0 ? j0 + p : g.nlat - 1 - (j0 + p);
          if (side == 1 && ring == j0 + p) continue;  // the equator: its north ring is the ring
          std::complex<double>* in = spectra + (2 * p + side) * d.nfreq_padded;
          std::fill(in + mmax + 1, in + d.nfreq, 0.0);
          double* out = fields + (static_cast<long>(f) * g.nlat + ring) * g.nlon;
          const bool aligned = fftw_alignment_of(out) == d.field_alignment;
          fftw_execute_dft_c2r(d.ring_inverse, reinterpret_cast<fftw_complex*>(in), aligned ? out : copy);
          if (!aligned) std::copy(copy, copy + g.nlon, out);
        }
    }
  }
}

}  // namespace ff::sphere
