// The reference: the Newton potential of N charges summed directly,
// φ(t) = Σ_i q_i / |t − x_i| (pairs at distance 0 skipped), O(N M).
#pragma once

#include "potentials/charges.hpp"

#include <Eigen/Dense>

namespace ff::potentials {

// φ at the rows of `targets` (M × 3). OpenMP over targets; the loop over
// sources is vectorised (exact 1/√, see direct_sum.cpp).
Eigen::VectorXd direct_potential(const Charges& charges, const Eigen::MatrixXd& targets);

}  // namespace ff::potentials
