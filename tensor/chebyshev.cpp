#include "tensor/chebyshev.hpp"

#include "core/error.hpp"
#include "tensor/detail/dct.hpp"

#include <cmath>

namespace ff::tensor {

ChebyshevAxis::ChebyshevAxis(Interval interval, int degree) : interval_(interval), degree_(degree) {
  FF_REQUIRE(std::isfinite(interval.lo) && std::isfinite(interval.hi) && interval.lo < interval.hi, InputError,
             "Chebyshev interval [{}, {}] must have finite ends and positive length", interval.lo, interval.hi);
  FF_REQUIRE(degree >= 1 && degree <= kMaxDegree, InputError, "Chebyshev degree must be in [1, {}], got {}", kMaxDegree,
             degree);
  const int n = size();
  const double mid = 0.5 * (interval.lo + interval.hi);
  const double half = 0.5 * interval.length();
  nodes_.resize(n);
  for (int j = 0; j < n; ++j) nodes_(j) = mid + half * std::cos(M_PI * (j + 0.5) / n);
}

Eigen::MatrixXd ChebyshevAxis::coefficients(const Eigen::MatrixXd& values_at_nodes) const {
  Eigen::MatrixXd c = values_at_nodes;
  coefficients_in_place(c);
  return c;
}

void ChebyshevAxis::coefficients_in_place(Eigen::MatrixXd& values) const {
  FF_REQUIRE(values.rows() == size(), InputError,
             "Chebyshev coefficients of degree {} need {} values per column, got {}", degree_, size(), values.rows());
  if (values.cols() == 0) return;
  detail::chebyshev_transform(values.data(), {static_cast<int>(values.rows()), static_cast<int>(values.cols())}, 0);
}

Eigen::MatrixXd ChebyshevAxis::basis(const Eigen::VectorXd& x) const {
  const Eigen::ArrayXd t = (2.0 * x.array() - (interval_.lo + interval_.hi)) / interval_.length();
  Eigen::MatrixXd b(x.size(), size());
  b.col(0).setOnes();
  b.col(1) = t.matrix();
  // T_{k+1} = 2 t T_k − T_{k−1}, column by column so each step is one vector operation.
  for (int k = 1; k < degree_; ++k) b.col(k + 1) = (2.0 * t * b.col(k).array() - b.col(k - 1).array()).matrix();
  return b;
}

Eigen::MatrixXd ChebyshevAxis::basis_derivative(const Eigen::VectorXd& x) const {
  const Eigen::ArrayXd t = (2.0 * x.array() - (interval_.lo + interval_.hi)) / interval_.length();
  const Eigen::MatrixXd b = basis(x);
  Eigen::MatrixXd d(x.size(), size());
  d.col(0).setZero();
  d.col(1).setOnes();
  // Differentiating the recurrence: T'_{k+1} = 2 T_k + 2 t T'_k − T'_{k−1} (in t).
  for (int k = 1; k < degree_; ++k)
    d.col(k + 1) = (2.0 * b.col(k).array() + 2.0 * t * d.col(k).array() - d.col(k - 1).array()).matrix();
  return d * (2.0 / interval_.length());  // dt/dx
}

Eigen::VectorXd ChebyshevAxis::basis_integrals() const {
  // ∫_{-1}^{1} T_k dt = 2 / (1 − k²) for even k, 0 for odd k; dx = (hi − lo)/2 dt.
  Eigen::VectorXd w = Eigen::VectorXd::Zero(size());
  for (int k = 0; k <= degree_; k += 2) w(k) = 2.0 / (1.0 - double(k) * k);
  return w * (0.5 * interval_.length());
}

bool ChebyshevAxis::same_as(const ChebyshevAxis& other) const {
  return degree_ == other.degree_ && interval_.lo == other.interval_.lo && interval_.hi == other.interval_.hi;
}

}  // namespace ff::tensor
