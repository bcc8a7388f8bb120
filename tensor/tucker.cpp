#include "tensor/tucker.hpp"

#include "core/error.hpp"
#include "tensor/detail/block_sum.hpp"
#include "tensor/detail/khatri_rao.hpp"
#include "tensor/detail/unfolding.hpp"

#include <algorithm>

namespace ff::tensor {

FullTensor::FullTensor(std::vector<int> s) : shape(std::move(s)) { values = Eigen::VectorXd::Zero(size()); }

long FullTensor::size() const {
  long p = 1;
  for (int n : shape) p *= n;
  return p;
}

std::vector<int> CpTensor::shape() const {
  std::vector<int> s;
  for (const auto& a : factors) s.push_back(static_cast<int>(a.rows()));
  return s;
}

std::vector<int> TuckerTensor::ranks() const {
  std::vector<int> r;
  for (const auto& u : factors) r.push_back(static_cast<int>(u.cols()));
  return r;
}

std::vector<int> TuckerTensor::shape() const {
  std::vector<int> s;
  for (const auto& u : factors) s.push_back(static_cast<int>(u.rows()));
  return s;
}

long TuckerTensor::parameter_count() const {
  long count = core.size();
  for (const auto& u : factors) count += u.size();
  return count;
}

FullTensor mode_product(const FullTensor& x, int mode, const Eigen::MatrixXd& matrix) {
  FF_REQUIRE(mode >= 0 && mode < x.order(), InputError, "mode product along mode {} of an order-{} tensor", mode,
             x.order());
  FF_REQUIRE(matrix.cols() == x.shape[mode], InputError, "mode-{} product: matrix has {} columns, mode size is {}",
             mode, matrix.cols(), x.shape[mode]);
  long inner = 1;
  for (int m = 0; m < mode; ++m) inner *= x.shape[m];
  const long n = x.shape[mode];
  const long outer = x.size() / (inner * n);
  std::vector<int> shape = x.shape;
  shape[mode] = static_cast<int>(matrix.rows());
  FullTensor y(shape);
  const long m = matrix.rows();
  if (inner == 1) {
    // Mode 1: Y_(1) = M X_(1), one GEMM over the whole tensor.
    Eigen::Map<const Eigen::MatrixXd> xm(x.values.data(), n, outer);
    Eigen::Map<Eigen::MatrixXd>(y.values.data(), m, outer).noalias() = matrix * xm;
    return y;
  }
  // Otherwise each outer slab is an inner × n matrix X_o and Y_o = X_o Mᵀ.
#pragma omp parallel for if (outer > 1 && inner * n * m > 100000)
  for (long o = 0; o < outer; ++o) {
    Eigen::Map<const Eigen::MatrixXd> xo(x.values.data() + o * inner * n, inner, n);
    Eigen::Map<Eigen::MatrixXd>(y.values.data() + o * inner * m, inner, m).noalias() = xo * matrix.transpose();
  }
  return y;
}

FullTensor assemble(const TuckerTensor& tucker) {
  detail::require_consistent(tucker, "assemble");
  FullTensor x(tucker.ranks());
  x.values = tucker.core;
  for (int m = 0; m < tucker.order(); ++m) x = mode_product(x, m, tucker.factors[m]);
  return x;
}

FullTensor assemble(const CpTensor& cp) {
  detail::require_consistent(cp, "assemble");
  const std::vector<int> shape = cp.shape();
  FullTensor x(shape);
  const Eigen::MatrixXd a1w = cp.factors[0] * cp.weights.asDiagonal();
  if (cp.order() == 2) {
    Eigen::Map<Eigen::MatrixXd>(x.values.data(), shape[0], shape[1]).noalias() = a1w * cp.factors[1].transpose();
    return x;
  }
  // Order 3: X_(1) = A_1 diag(w) (A_3 ⊙ A_2)ᵀ, the Khatri–Rao product formed
  // one block of terms at a time so memory stays O(n_2 n_3 · block) and each
  // block is one GEMM, the blocks shared among threads (detail/block_sum.hpp).
  const long n1 = shape[0], n23 = long(shape[1]) * shape[2];
  const long terms = cp.rank();
  const long block = detail::cp_block_size(n23);
  const long blocks = (terms + block - 1) / block;
  detail::sum_over_blocks(blocks, Eigen::Map<Eigen::MatrixXd>(x.values.data(), n1, n23), [&] {
    return [&, scratch = Eigen::MatrixXd()](long b, Eigen::MatrixXd& partial) mutable {
      const long begin = b * block, count = std::min(block, terms - begin);
      detail::add_cp_block(a1w.middleCols(begin, count), cp.factors[1].middleCols(begin, count),
                           cp.factors[2].middleCols(begin, count), partial, scratch);
    };
  });
  return x;
}

}  // namespace ff::tensor
