// The block kernel of every CP contraction (assembling a CP sum, the RHOSVD
// core): one block of terms added to the mode-1 unfolding by one GEMM.
#pragma once

#include <Eigen/Dense>

namespace ff::tensor::detail {

// Terms per block for a CP sum whose modes 2 and 3 have n_2 n_3 entries: the
// Khatri–Rao scratch stays near 8 MB, and a block is wide enough for GEMM speed.
long cp_block_size(long n2n3);

// result (n_1 × n_2 n_3) += a1 (a3 ⊙ a2)ᵀ, the columns of a1, a2, a3 being the
// same block of terms (weights already folded into a1). With a3 of zero rows
// the sum is of order 2: result (n_1 × n_2) += a1 a2ᵀ. `scratch` is reused
// between calls to hold the Khatri–Rao product.
void add_cp_block(const Eigen::Ref<const Eigen::MatrixXd>& a1, const Eigen::Ref<const Eigen::MatrixXd>& a2,
                  const Eigen::Ref<const Eigen::MatrixXd>& a3, Eigen::MatrixXd& result, Eigen::MatrixXd& scratch);

}  // namespace ff::tensor::detail
