// The short-range part of the range-separated Newton potential,
// φ_sr(t) = Σ_{|t − x_i| < cutoff} q_i erfc(|t − x_i|/r_c) / |t − x_i|
// (a charge at t itself contributes −q_i 2/(√π r_c), see ShortRangeKernel),
// summed over near neighbours only: with a cell list for scattered targets,
// and charge by charge over the grid points inside its cutoff sphere for a
// tensor grid of targets.
#pragma once

#include "potentials/charges.hpp"

#include <Eigen/Dense>

#include <array>
#include <vector>

namespace ff::potentials {

// erfc(r/r_c)/r for 0 < r < cutoff (0 beyond; −g(0) = −2/(√π r_c) at r = 0,
// where the pair is skipped but the long range's self value must be taken
// back out), computed as 1/r − g(r²)
// with g(u) = erf(√u/r_c)/√u. g is an entire function of u, so its Chebyshev
// interpolant in u on [0, cutoff²] of fixed length reaches 2e-12 · g(0) for
// cutoff ≤ 4.5 r_c; it vectorises, where std::erfc is a scalar library call.
// Beyond 4.5 r_c the neglected tail erfc(4.5) ≈ 2e-10 is below any accuracy
// the range separation is asked for, so larger cutoffs are refused.
class ShortRangeKernel {
 public:
  static constexpr int kTerms = 24;
  static constexpr double kMaxCutoffRatio = 4.5;

  ShortRangeKernel(double r_c, double cutoff);

  double r_c() const { return r_c_; }
  double cutoff() const { return cutoff_; }
  double operator()(double r) const;
  // Monomial coefficients of g in t = 2u/cutoff² − 1 (from its Chebyshev interpolant).
  const std::array<double, kTerms>& coefficients() const { return coefficients_; }
  // Max |g_interpolant − g| / g(0), measured on a fine grid.
  double measured_error() const { return measured_error_; }

 private:
  double r_c_, cutoff_;
  std::array<double, kTerms> coefficients_{};
  double measured_error_ = 0;
};

class ShortRangeSum {
 public:
  ShortRangeSum(const Charges& charges, const ShortRangeKernel& kernel);

  // At the rows of `targets` (M × 3): cell list with cells of size ≥ cutoff/2,
  // each target visits the 5 × 5 rows of 5 cells around its own.
  Eigen::VectorXd at_points(const Eigen::MatrixXd& targets) const;
  // On the tensor grid axes[0] × axes[1] × axes[2] (each strictly increasing),
  // first index fastest, the layout of tensor::ChebyshevTucker::evaluate_grid.
  Eigen::VectorXd on_grid(const std::vector<Eigen::VectorXd>& axes) const;

 private:
  ShortRangeKernel kernel_;
  // Charges sorted by cell, x fastest: a row of cells is one contiguous range.
  Eigen::MatrixXd positions_;
  Eigen::VectorXd q_;
  std::array<int, 3> cells_{};
  Eigen::Vector3d lo_;
  double cell_size_ = 0;
  std::vector<long> cell_start_;  // cells + 1 offsets into the sorted charges
  // The same charges sorted by z, for the grid sum's slabs.
  Eigen::MatrixXd z_sorted_positions_;
  Eigen::VectorXd z_sorted_q_;
};

}  // namespace ff::potentials
