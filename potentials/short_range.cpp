#include "potentials/short_range.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ff::potentials {

namespace {

double g_exact(double u, double r_c) {
  if (u <= 0) return 2 / (std::sqrt(M_PI) * r_c);
  const double r = std::sqrt(u);
  return std::erf(r / r_c) / r;
}

using Coefficients = std::array<double, ShortRangeKernel::kTerms>;

// q · (1/r − g(r²)) for r² < cut², else 0; at r = 0 the 1/r part is left out
// (the pair is skipped, as in the direct sum) but −g(0) stays: it cancels the
// long range's value q g(0) at its own charge. g is a polynomial in
// t = 2u/cut² − 1 evaluated as four interleaved Horner chains in t⁴: Clenshaw's
// recurrence on the Chebyshev form is one long dependent chain of 2 operations
// per term and ran 1.6x slower. The selects come before the divide (see
// direct_sum.cpp for why).
#pragma omp declare simd uniform(m, cut2) notinbranch
inline double short_range_term(double r2, double q, const double* m, double cut2) {
  const double two_over_cut2 = 2 / cut2;  // hoisted out of the loops: one divide per pair is enough
  constexpr int n = ShortRangeKernel::kTerms;
  static_assert(n % 4 == 0, "four Horner chains");
  const bool inside = r2 < cut2;
  const double u = inside ? r2 : cut2;
  const double safe_u = u > 0 ? u : HUGE_VAL;
  const double t = two_over_cut2 * u - 1, t2 = t * t, t4 = t2 * t2;
  double a0 = m[n - 4], a1 = m[n - 3], a2 = m[n - 2], a3 = m[n - 1];
#pragma GCC unroll 8
  for (int k = n / 4 - 2; k >= 0; --k) {
    a0 = a0 * t4 + m[4 * k];
    a1 = a1 * t4 + m[4 * k + 1];
    a2 = a2 * t4 + m[4 * k + 2];
    a3 = a3 * t4 + m[4 * k + 3];
  }
  const double g = (a0 + t * a1) + t2 * (a2 + t * a3);
  return inside ? q * (1 / std::sqrt(safe_u) - g) : 0.0;
}

// Cell-list cells per cutoff length (see the ShortRangeSum constructor).
constexpr int kCellsPerCutoff = 2;

// Doubles per AVX-512 vector.
constexpr long kLanes = 8;

// Σ over one contiguous run of sources, for one target.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) double sum_over_run(
    const double* x, const double* y, const double* z, const double* q, long n, double tx, double ty, double tz,
    const double* c, double cut2) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (long j = 0; j < n; ++j) {
    const double dx = tx - x[j], dy = ty - y[j], dz = tz - z[j];
    sum += short_range_term(dx * dx + dy * dy + dz * dz, q[j], c, cut2);
  }
  return sum;
}

// out[i] += contribution of one charge to the grid line x[i], i < n, whose
// squared distance to the charge in y and z is `yz2`.
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) void add_to_line(
    double* out, const double* x, long n, double cx, double yz2, double q, const double* c, double cut2) {
#pragma omp simd
  for (long i = 0; i < n; ++i) {
    const double dx = x[i] - cx;
    out[i] += short_range_term(dx * dx + yz2, q, c, cut2);
  }
}

// Grid points of one axis within (centre − half, centre + half): by
// arithmetic on a uniform axis (the common case, and a binary search per grid
// line costs as much as the line's pairs), by binary search otherwise. The
// range may include a point at the edge; the kernel's r < cutoff test drops it.
class AxisWindow {
 public:
  explicit AxisWindow(const Eigen::VectorXd& axis) : axis_(axis) {
    const long n = axis.size();
    step_ = n > 1 ? (axis(n - 1) - axis(0)) / (n - 1) : 1.0;
    uniform_ = n > 1;
    for (long i = 1; i < n && uniform_; ++i)
      uniform_ = std::abs(axis(i) - axis(0) - i * step_) <= 1e-12 * std::abs(step_ * n);
  }
  std::pair<long, long> operator()(double centre, double half) const {
    const long n = axis_.size();
    if (uniform_) {
      const long first = std::max(0L, static_cast<long>(std::floor((centre - half - axis_(0)) / step_)));
      const long last = std::min(n, static_cast<long>(std::ceil((centre + half - axis_(0)) / step_)) + 1);
      return {std::min(first, n), std::max(last, 0L)};
    }
    const double* b = axis_.data();
    const double* e = b + n;
    return {std::upper_bound(b, e, centre - half) - b, std::lower_bound(b, e, centre + half) - b};
  }

 private:
  const Eigen::VectorXd& axis_;
  double step_ = 1;
  bool uniform_ = false;
};

}  // namespace

ShortRangeKernel::ShortRangeKernel(double r_c, double cutoff) : r_c_(r_c), cutoff_(cutoff) {
  FF_REQUIRE(r_c > 0, InputError, "short range: r_c must be > 0, got {:g}", r_c);
  FF_REQUIRE(cutoff > 0 && cutoff <= kMaxCutoffRatio * r_c, InputError,
             "short range: cutoff must lie in (0, {} r_c] = (0, {:g}], got {:g}", kMaxCutoffRatio,
             kMaxCutoffRatio * r_c, cutoff);
  // Interpolation at the kTerms Chebyshev points of the first kind, then the
  // change to the monomial basis in t (T_k by its recurrence). The monomial
  // form is well conditioned here: Σ_k |m_k| = g(0) for these cutoffs.
  const double cut2 = cutoff * cutoff;
  constexpr int n = kTerms;
  std::array<double, n> values, chebyshev;
  for (int j = 0; j < n; ++j) values[j] = g_exact(0.5 * cut2 * (1 + std::cos(M_PI * (j + 0.5) / n)), r_c);
  for (int k = 0; k < n; ++k) {
    double s = 0;
    for (int j = 0; j < n; ++j) s += values[j] * std::cos(M_PI * k * (j + 0.5) / n);
    chebyshev[k] = (k == 0 ? 1.0 : 2.0) * s / n;
  }
  std::array<double, n> previous{}, current{}, next{};
  previous[0] = 1;  // T_0
  current[1] = 1;   // T_1
  coefficients_[0] = chebyshev[0];
  coefficients_[1] = chebyshev[1];
  for (int k = 2; k < n; ++k) {
    for (int i = 0; i < n; ++i) next[i] = (i > 0 ? 2 * current[i - 1] : 0.0) - previous[i];
    for (int i = 0; i < n; ++i) coefficients_[i] += chebyshev[k] * next[i];
    previous = current;
    current = next;
  }
  const double g0 = g_exact(0, r_c);
  for (int i = 1; i < 2000; ++i) {
    const double u = cut2 * i / 2000.0;
    const double r = std::sqrt(u);
    const double g_approx = 1 / r - (*this)(r);
    measured_error_ = std::max(measured_error_, std::abs(g_approx - g_exact(u, r_c)) / g0);
  }
}

double ShortRangeKernel::operator()(double r) const {
  if (r >= cutoff_) return 0.0;
  return short_range_term(r * r, 1.0, coefficients_.data(), cutoff_ * cutoff_);
}

ShortRangeSum::ShortRangeSum(const Charges& charges, const ShortRangeKernel& kernel) : kernel_(kernel) {
  FF_REQUIRE(charges.size() >= 1 && charges.positions.rows() == charges.size() && charges.positions.cols() == 3,
             InputError, "short range: need N x 3 positions and N charges, got {} x {} and {}",
             charges.positions.rows(), charges.positions.cols(), charges.size());
  const long n = charges.size();
  lo_ = charges.positions.colwise().minCoeff().transpose();
  const Eigen::Vector3d extent = charges.positions.colwise().maxCoeff().transpose() - lo_;
  const double cut = kernel.cutoff();
  // Cells no smaller than cutoff / kCellsPerCutoff, so neighbours are within
  // ±kCellsPerCutoff cells: with 2, a target visits 5³ cells of volume
  // (cutoff/2)³, 15.6 cutoff³ of candidates against 27 cutoff³ with cells of
  // the cutoff's size, for a cutoff sphere of 4.2 cutoff³.
  cell_size_ = cut / kCellsPerCutoff;
  for (int d = 0; d < 3; ++d) {
    cells_[d] = std::max(1, static_cast<int>(std::floor(extent(d) / cell_size_)));
    cell_size_ = std::max(cell_size_, extent(d) / cells_[d]);
  }
  // Counting sort of the charges by cell index.
  std::vector<long> cell_of(n);
  cell_start_.assign(long(cells_[0]) * cells_[1] * cells_[2] + 1, 0);
  for (long i = 0; i < n; ++i) {
    long c = 0;
    for (int d = 2; d >= 0; --d) {
      const int idx = std::min(cells_[d] - 1, static_cast<int>((charges.positions(i, d) - lo_(d)) / cell_size_));
      c = c * cells_[d] + idx;
    }
    cell_of[i] = c;
    ++cell_start_[c + 1];
  }
  std::partial_sum(cell_start_.begin(), cell_start_.end(), cell_start_.begin());
  std::vector<long> fill(cell_start_.begin(), cell_start_.end() - 1);
  positions_.resize(n, 3);
  q_.resize(n);
  for (long i = 0; i < n; ++i) {
    const long s = fill[cell_of[i]]++;
    positions_.row(s) = charges.positions.row(i);
    q_(s) = charges.q(i);
  }
  std::vector<long> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](long a, long b) { return charges.positions(a, 2) < charges.positions(b, 2); });
  z_sorted_positions_.resize(n, 3);
  z_sorted_q_.resize(n);
  for (long i = 0; i < n; ++i) {
    z_sorted_positions_.row(i) = charges.positions.row(order[i]);
    z_sorted_q_(i) = charges.q(order[i]);
  }
}

Eigen::VectorXd ShortRangeSum::at_points(const Eigen::MatrixXd& targets) const {
  FF_REQUIRE(targets.cols() == 3, InputError, "short range: targets must be M x 3, got {} columns", targets.cols());
  const long m = targets.rows();
  const double* x = positions_.col(0).data();
  const double* y = positions_.col(1).data();
  const double* z = positions_.col(2).data();
  const double cut2 = kernel_.cutoff() * kernel_.cutoff();
  const double* c = kernel_.coefficients().data();
  Eigen::VectorXd phi(m);
#pragma omp parallel for schedule(dynamic, 256)
  for (long t = 0; t < m; ++t) {
    int first[3], last[3];  // inclusive cell range around the target
    bool near_any_cell = true;
    for (int d = 0; d < 3; ++d) {
      const long idx = static_cast<long>(std::floor((targets(t, d) - lo_(d)) / cell_size_));
      first[d] = static_cast<int>(std::max<long>(0, idx - kCellsPerCutoff));
      last[d] = static_cast<int>(std::min<long>(cells_[d] - 1, idx + kCellsPerCutoff));
      // A target more than a cutoff outside the charges' bounding box has no
      // neighbours; its range is empty and must not index the cell table.
      near_any_cell = near_any_cell && first[d] <= last[d];
    }
    double sum = 0;
    if (!near_any_cell) {
      phi(t) = 0.0;
      continue;
    }
    for (int k = first[2]; k <= last[2]; ++k)
      for (int j = first[1]; j <= last[1]; ++j) {
        const long row = (long(k) * cells_[1] + j) * cells_[0];
        const long begin = cell_start_[row + first[0]], end = cell_start_[row + last[0] + 1];
        if (end > begin)
          sum += sum_over_run(x + begin, y + begin, z + begin, q_.data() + begin, end - begin, targets(t, 0),
                              targets(t, 1), targets(t, 2), c, cut2);
      }
    phi(t) = sum;
  }
  return phi;
}

Eigen::VectorXd ShortRangeSum::on_grid(const std::vector<Eigen::VectorXd>& axes) const {
  FF_REQUIRE(axes.size() == 3, InputError, "short range: a grid needs 3 axes, got {}", axes.size());
  for (int d = 0; d < 3; ++d)
    FF_REQUIRE(axes[d].size() >= 1 &&
                   std::adjacent_find(axes[d].data(), axes[d].data() + axes[d].size(), std::greater_equal<double>()) ==
                       axes[d].data() + axes[d].size(),
               InputError, "short range: grid axis {} must be non-empty and strictly increasing", d);
  const long nx = axes[0].size(), ny = axes[1].size(), nz = axes[2].size();
  const double cut = kernel_.cutoff(), cut2 = cut * cut;
  const double* c = kernel_.coefficients().data();
  const double* cz_sorted = z_sorted_positions_.col(2).data();
  const long n = z_sorted_q_.size();
  Eigen::VectorXd phi = Eigen::VectorXd::Zero(nx * ny * nz);
  // Each thread owns whole z-planes, so no two threads add to the same
  // point; a chunk of planes visits the charges within the cutoff of its slab.
  const AxisWindow x_window(axes[0]), y_window(axes[1]), z_window(axes[2]);
  const long chunk = 4;
#pragma omp parallel for schedule(dynamic, 1)
  for (long k0 = 0; k0 < nz; k0 += chunk) {
    const long k1 = std::min(nz, k0 + chunk);
    const long first = std::upper_bound(cz_sorted, cz_sorted + n, axes[2](k0) - cut) - cz_sorted;
    const long last = std::lower_bound(cz_sorted, cz_sorted + n, axes[2](k1 - 1) + cut) - cz_sorted;
    for (long i = first; i < last; ++i) {
      const double cx = z_sorted_positions_(i, 0), cy = z_sorted_positions_(i, 1), czi = cz_sorted[i];
      const auto [kb, ke] = z_window(czi, cut);
      for (long k = std::max(kb, k0); k < std::min(ke, k1); ++k) {
        const double dz = axes[2](k) - czi, z2 = dz * dz;
        if (z2 >= cut2) continue;
        const auto [jb, je] = y_window(cy, std::sqrt(cut2 - z2));
        for (long j = jb; j < je; ++j) {
          const double dy = axes[1](j) - cy, yz2 = dy * dy + z2;
          if (yz2 >= cut2) continue;
          auto [ib, ie] = x_window(cx, std::sqrt(cut2 - yz2));
          if (ie <= ib) continue;
          // Whole vectors only: a line is ~50 points, and the scalar remainder
          // loop would cost as much as the vector part. The extra points lie
          // outside the sphere, so the kernel adds 0 there.
          const long length = std::min(nx, (ie - ib + kLanes - 1) / kLanes * kLanes);
          ie = std::min(nx, ib + length);
          ib = ie - length;
          add_to_line(phi.data() + nx * (j + ny * k) + ib, axes[0].data() + ib, length, cx, yz2, z_sorted_q_(i), c,
                      cut2);
        }
      }
    }
  }
  return phi;
}

}  // namespace ff::potentials
