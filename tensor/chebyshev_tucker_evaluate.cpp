// Evaluation of Chebyshev–Tucker functions at scattered points (values and
// gradients) and on tensor grids.
#include "core/error.hpp"
#include "core/timer.hpp"
#include "tensor/chebyshev_tucker.hpp"
#include "tensor/detail/huge_pages.hpp"

#include <algorithm>

namespace ff::tensor {
namespace {

// Points per block of evaluate(): the block's r_2 r_3 × block contraction
// result Q stays near 1 MB (in L2), while the block stays wide enough for GEMM speed.
long point_block(long r2r3) { return std::clamp(long(1 << 17) / std::max(r2r3, 1L), 32L, 512L); }

void require_inside(const std::vector<ChebyshevAxis>& axes, const Eigen::Ref<const Eigen::VectorXd>& x, int axis,
                    const char* what) {
  const Interval box = axes[axis].interval();
  const double slack = 1e-12 * box.length();
  for (Eigen::Index i = 0; i < x.size(); ++i)
    FF_REQUIRE(x(i) >= box.lo - slack && x(i) <= box.hi + slack, InputError,
               "{} {}: coordinate {} = {} is outside the box [{}, {}]", what, i, axis, x(i), box.lo, box.hi);
}

// The three (or two) modes written as three: a 2D function is a 3D one with
// r_3 = 1 and φ_3 ≡ 1, so one kernel serves both.
struct Modes {
  long r1, r2, r3;
};

Modes modes_of(const ChebyshevTucker& f) {
  const std::vector<int> r = f.ranks();
  return {r[0], r[1], f.order() == 3 ? r[2] : 1};
}

// One block of points: values (and, when `gradient` is non-null, gradients).
//   P_m = T(x_m) U_m                  (points × r_m, the 1D functions φ_{m,·})
//   Q   = G_(1)ᵀ P_1ᵀ                 (r_2 r_3 × points, one GEMM: 2 r³ flops per point)
//   f_i = P_2(i,:) Q_i P_3(i,:)ᵀ      (Q_i = column i as an r_2 × r_3 matrix)
// ∂_1 uses P_1' in place of P_1 (a second GEMM), ∂_2 and ∂_3 use P_2', P_3'.
void evaluate_block(const ChebyshevTucker& f, const Eigen::Ref<const Eigen::MatrixXd>& x,
                    Eigen::Ref<Eigen::VectorXd> values, Eigen::MatrixXd* gradient, long gradient_row) {
  const Modes r = modes_of(f);
  const TuckerTensor& c = f.coefficients();
  const long count = x.rows();
  Eigen::MatrixXd p[3], dp[3];
  for (int m = 0; m < 3; ++m) {
    if (m < f.order()) {
      const ChebyshevAxis& axis = f.axes()[m];
      p[m] = axis.basis(x.col(m)) * c.factors[m];
      if (gradient) dp[m] = axis.basis_derivative(x.col(m)) * c.factors[m];
    } else {
      p[m] = Eigen::MatrixXd::Ones(count, 1);
      dp[m] = Eigen::MatrixXd::Zero(count, 1);
    }
  }
  const Eigen::Map<const Eigen::MatrixXd> g1(c.core.data(), r.r1, r.r2 * r.r3);
  const Eigen::MatrixXd q = g1.transpose() * p[0].transpose();
  Eigen::MatrixXd dq;
  if (gradient) dq = g1.transpose() * dp[0].transpose();
  Eigen::VectorXd qi_p3(r.r2);
  for (long i = 0; i < count; ++i) {
    const Eigen::Map<const Eigen::MatrixXd> qi(q.col(i).data(), r.r2, r.r3);
    qi_p3.noalias() = qi * p[2].row(i).transpose();
    values(i) = p[1].row(i).dot(qi_p3);
    if (!gradient) continue;
    const Eigen::Map<const Eigen::MatrixXd> dqi(dq.col(i).data(), r.r2, r.r3);
    (*gradient)(gradient_row + i, 0) = p[1].row(i) * dqi * p[2].row(i).transpose();
    (*gradient)(gradient_row + i, 1) = dp[1].row(i).dot(qi_p3);
    if (f.order() == 3) (*gradient)(gradient_row + i, 2) = p[1].row(i) * qi * dp[2].row(i).transpose();
  }
}

void evaluate_points(const ChebyshevTucker& f, const Eigen::MatrixXd& points, Eigen::VectorXd& values,
                     Eigen::MatrixXd* gradient) {
  FF_REQUIRE(points.cols() == f.order(), InputError, "points of a {}D function need {} columns, got {}", f.order(),
             f.order(), points.cols());
  for (int m = 0; m < f.order(); ++m) require_inside(f.axes(), points.col(m), m, "point");
  ScopedTimer timer(gradient ? "tensor.gradient" : "tensor.evaluate");
  const long total = points.rows();
  values.resize(total);
  if (gradient) gradient->resize(total, f.order());
  const Modes r = modes_of(f);
  const long block = point_block(r.r2 * r.r3);
  const long blocks = (total + block - 1) / block;
#pragma omp parallel for schedule(static)
  for (long b = 0; b < blocks; ++b) {
    const long begin = b * block;
    const long count = std::min(block, total - begin);
    evaluate_block(f, points.middleRows(begin, count), values.segment(begin, count), gradient, begin);
  }
}

// F = alpha · f on the grid, written to `out` (or added to it when `accumulate`).
void grid_kernel(const ChebyshevTucker& f, const std::vector<Eigen::VectorXd>& axis_coordinates, double* out,
                 long out_size, double alpha, bool accumulate) {
  const int d = f.order();
  FF_REQUIRE(static_cast<int>(axis_coordinates.size()) == d, InputError,
             "a grid for a {}D function needs {} coordinate vectors, got {}", d, d, axis_coordinates.size());
  // W_m = T(grid_m) U_m: the 1D functions φ_{m,·} on the grid's axis m (alpha folded into W_1).
  std::vector<Eigen::MatrixXd> w;
  long total = 1;
  for (int m = 0; m < d; ++m) {
    FF_REQUIRE(axis_coordinates[m].size() >= 1, InputError, "grid axis {} has no coordinates", m);
    require_inside(f.axes(), axis_coordinates[m], m, "grid coordinate");
    w.push_back(f.axes()[m].basis(axis_coordinates[m]) * f.coefficients().factors[m]);
    total *= axis_coordinates[m].size();
  }
  FF_REQUIRE(out_size == total, InputError, "a grid of {} points written to an array of {}", total, out_size);
  w[0] *= alpha;
  ScopedTimer timer("tensor.evaluate_grid");
  const Modes r = modes_of(f);
  const Eigen::VectorXd& core = f.coefficients().core;
  const long m1 = w[0].rows(), m2 = w[1].rows();
  if (d == 2) {
    // F = W_1 G W_2ᵀ, two GEMMs (Eigen threads them).
    const Eigen::MatrixXd w1g = w[0] * Eigen::Map<const Eigen::MatrixXd>(core.data(), r.r1, r.r2);
    Eigen::Map<Eigen::MatrixXd> values(out, m1, m2);
    if (accumulate) {
      values.noalias() += w1g * w[1].transpose();
    } else {
      values.noalias() = w1g * w[1].transpose();
    }
    return;
  }
  // Mode 3 first, on the small core: T(:, k) = G_(12) W_3(k, :)ᵀ is the core
  // slice for grid plane k (r_1 × r_2). Then plane k of F is W_1 T_k W_2ᵀ,
  // whose last GEMM costs 2 r_2 flops per grid point; planes are independent.
  const long m3 = w[2].rows();
  const Eigen::MatrixXd t = Eigen::Map<const Eigen::MatrixXd>(core.data(), r.r1 * r.r2, r.r3) * w[2].transpose();
#pragma omp parallel
  {
    Eigen::MatrixXd w1t(m1, r.r2);
#pragma omp for schedule(static)
    for (long k = 0; k < m3; ++k) {
      w1t.noalias() = w[0] * Eigen::Map<const Eigen::MatrixXd>(t.col(k).data(), r.r1, r.r2);
      Eigen::Map<Eigen::MatrixXd> plane(out + k * m1 * m2, m1, m2);
      if (accumulate) {
        plane.noalias() += w1t * w[1].transpose();
      } else {
        plane.noalias() = w1t * w[1].transpose();
      }
    }
  }
}

}  // namespace

Eigen::VectorXd ChebyshevTucker::evaluate(const Eigen::MatrixXd& points) const {
  Eigen::VectorXd values;
  evaluate_points(*this, points, values, nullptr);
  return values;
}

Eigen::MatrixXd ChebyshevTucker::gradient(const Eigen::MatrixXd& points) const {
  Eigen::VectorXd values;
  Eigen::MatrixXd gradient;
  evaluate_points(*this, points, values, &gradient);
  return gradient;
}

Eigen::VectorXd ChebyshevTucker::evaluate_grid(const std::vector<Eigen::VectorXd>& axis_coordinates) const {
  long total = 1;
  for (const auto& x : axis_coordinates) total *= x.size();
  Eigen::VectorXd values(total);
  detail::advise_huge_pages(values.data(), values.size() * sizeof(double));
  grid_kernel(*this, axis_coordinates, values.data(), total, 1.0, false);
  return values;
}

void ChebyshevTucker::accumulate_grid(const std::vector<Eigen::VectorXd>& axis_coordinates,
                                      Eigen::Ref<Eigen::VectorXd> out, double alpha) const {
  grid_kernel(*this, axis_coordinates, out.data(), out.size(), alpha, true);
}

}  // namespace ff::tensor
