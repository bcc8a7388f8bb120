// Chebyshev interpolation on one axis: the 1D building block of the
// Chebyshev–Tucker format (tensor/chebyshev_tucker.hpp).
//
// A function on [lo, hi] is approximated by p(x) = Σ_{k=0..n} c_k T_k(t(x)),
// t(x) = (2x − lo − hi) / (hi − lo) ∈ [−1, 1], interpolating it at n + 1 nodes.
//
// Nodes: Chebyshev–Gauss points of the first kind, t_j = cos(π (j + 1/2) / (n + 1)),
// j = 0..n, kept in that (descending) order because it is the order the
// transform expects. Why these rather than Chebyshev–Lobatto points:
//  - values → coefficients is a DCT-II (FFTW_REDFT10) that is a scaled
//    orthogonal map (condition number √2), with no special end-point weights;
//  - the nodes lie strictly inside the interval, so a kernel that is singular
//    or steep on a face of the box is never sampled on that face;
//  - the interpolation error is of the same order as Lobatto's (both are
//    within a factor 2 of the best approximation's tail for analytic f).
// What Lobatto would offer instead, nested node sets under degree doubling,
// nothing here needs: degrees are chosen once per problem.
#pragma once

#include <Eigen/Dense>

namespace ff::tensor {

struct Interval {
  double lo = 0.0;
  double hi = 1.0;
  double length() const { return hi - lo; }
};

class ChebyshevAxis {
 public:
  // Largest degree accepted: far beyond what double precision can use
  // (coefficients of analytic functions reach round-off long before).
  static constexpr int kMaxDegree = 4096;

  // InputError unless 1 <= degree <= kMaxDegree and lo < hi (both finite).
  ChebyshevAxis(Interval interval, int degree);

  int degree() const { return degree_; }
  int size() const { return degree_ + 1; }  // number of nodes and of coefficients
  const Interval& interval() const { return interval_; }
  // Nodes mapped to [lo, hi], in DCT order (descending in x).
  const Eigen::VectorXd& nodes() const { return nodes_; }

  // Column j of `values_at_nodes` ((n+1) × m) samples one function at nodes();
  // column j of the result holds its n + 1 Chebyshev coefficients. One FFTW
  // DCT-II over all columns.
  Eigen::MatrixXd coefficients(const Eigen::MatrixXd& values_at_nodes) const;
  // The same, overwriting the values: for the wide matrices of CP factors
  // (10⁵–10⁶ columns), where a second array of that size costs more than the DCT.
  void coefficients_in_place(Eigen::MatrixXd& values_at_nodes) const;

  // B(i, k) = T_k(t(x_i)): rows are points, columns are the n + 1 basis
  // functions, so p(x) = B c. Three-term recurrence; points outside the
  // interval extrapolate (callers that must not do so check first).
  Eigen::MatrixXd basis(const Eigen::VectorXd& x) const;
  // d/dx of basis(x), the chain rule factor 2 / (hi − lo) included.
  Eigen::MatrixXd basis_derivative(const Eigen::VectorXd& x) const;
  // ∫_lo^hi T_k(t(x)) dx for k = 0..n, so ∫ p = basis_integrals() · c.
  Eigen::VectorXd basis_integrals() const;

  // True when both axes have the same interval and degree (bitwise).
  bool same_as(const ChebyshevAxis& other) const;

 private:
  Interval interval_;
  int degree_;
  Eigen::VectorXd nodes_;
};

}  // namespace ff::tensor
