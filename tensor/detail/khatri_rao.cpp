#include "tensor/detail/khatri_rao.hpp"

#include <algorithm>

namespace ff::tensor::detail {

long cp_block_size(long n2n3) { return std::clamp(long(1 << 20) / std::max(n2n3, 1L), 16L, 512L); }

void add_cp_block(const Eigen::Ref<const Eigen::MatrixXd>& a1, const Eigen::Ref<const Eigen::MatrixXd>& a2,
                  const Eigen::Ref<const Eigen::MatrixXd>& a3, Eigen::MatrixXd& result, Eigen::MatrixXd& scratch) {
  if (a3.rows() == 0) {
    result.noalias() += a1 * a2.transpose();
    return;
  }
  const long n2 = a2.rows(), n3 = a3.rows(), terms = a1.cols();
  scratch.resize(n2 * n3, terms);
  // Column j of the Khatri–Rao product is a3_j ⊗ a2_j, the a2 index fastest
  // to match the unfolding's column index i_2 + n_2 i_3.
  for (long j = 0; j < terms; ++j)
    for (long k = 0; k < n3; ++k) scratch.col(j).segment(k * n2, n2) = a3(k, j) * a2.col(j);
  result.noalias() += a1 * scratch.transpose();
}

}  // namespace ff::tensor::detail
