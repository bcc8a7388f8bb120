// The Newton potential of N charges, range separated (Benner, Khoromskaia,
// Khoromskij, SIAM J. Sci. Comput. 40(2), 2018):
//
//   φ(t) = Σ_i q_i erfc(|t − x_i|/r_c)/|t − x_i|   short range: near neighbours only
//        + Σ_i q_i erf(|t − x_i|/r_c)/|t − x_i|    long range: one Chebyshev–Tucker
//                                                   function for all N charges.
//
// The long range is built from the Gaussian sum erf(r/r_c)/r ≈ Σ_k w_k exp(−p_k r²)
// (gaussian_sum.hpp): each term q_i w_k Π_d exp(−p_k (x_d − x_{i,d})²) is rank one,
// and its factor on axis d, sampled at the Chebyshev nodes and transformed by a
// DCT, is a column of Chebyshev coefficients. The N columns of one width form a
// CP tensor of coefficients; RHOSVD compresses it to a Tucker tensor without
// ever forming the N·K-term sum at the nodes; the K per-width Tucker tensors
// are then summed and recompressed (see long_range_potential for why per width).
#pragma once

#include "potentials/charges.hpp"
#include "potentials/gaussian_sum.hpp"
#include "potentials/range_parameters.hpp"
#include "potentials/short_range.hpp"
#include "tensor/chebyshev_tucker.hpp"

#include <Eigen/Dense>

#include <array>
#include <memory>
#include <vector>

namespace ff::potentials {

// Where the time of the last build or evaluation went (seconds).
struct RangeSeparatedTimings {
  double build_long_range = 0;   // Gaussians at the nodes, DCTs, RHOSVD
  double build_short_range = 0;  // cell list
  double near = 0;
  double far = 0;
};

// InputError unless the box has lo < hi on every axis and holds every charge.
void check_box_and_charges(const Charges& charges, const Box& box);

class RangeSeparatedPotential {
 public:
  // InputError for a charge outside the box or parameters out of range.
  RangeSeparatedPotential(const Charges& charges, const Box& box, const RangeParameters& parameters);

  // φ at the rows of `targets` (M × 3, inside the box): near + far.
  Eigen::VectorXd at_points(const Eigen::MatrixXd& targets);
  // φ on the tensor grid axes[0] × axes[1] × axes[2] (inside the box), first
  // index fastest.
  Eigen::VectorXd on_grid(const std::vector<Eigen::VectorXd>& axes);

  const tensor::ChebyshevTucker& long_range() const { return *long_range_; }
  const ShortRangeSum& short_range() const { return *short_range_; }
  const RangeParameters& parameters() const { return parameters_; }
  int long_range_terms() const { return long_range_terms_; }
  const RangeSeparatedTimings& timings() const { return timings_; }

 private:
  RangeParameters parameters_;
  int long_range_terms_ = 0;
  std::unique_ptr<tensor::ChebyshevTucker> long_range_;
  std::unique_ptr<ShortRangeSum> short_range_;
  RangeSeparatedTimings timings_;
};

// The long-range part alone: the Chebyshev–Tucker interpolant of
// Σ_i q_i erf(|x − x_i|/r_c)/|x − x_i| on the box, from the Gaussian sum `terms`,
// at parameters.degree, with Tucker truncations that add at most
// `coefficient_tolerance` to the Frobenius norm of the coefficient error.
tensor::ChebyshevTucker long_range_potential(const Charges& charges, const Box& box, const GaussianSum& terms,
                                             const RangeParameters& parameters, double coefficient_tolerance);

}  // namespace ff::potentials
