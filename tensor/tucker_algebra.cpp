// Recompression, sums and scaling of Tucker tensors, all in the format.
#include "core/error.hpp"
#include "tensor/detail/unfolding.hpp"
#include "tensor/tucker.hpp"

#include <Eigen/QR>

namespace ff::tensor {

TuckerTensor recompress(const TuckerTensor& tucker, double rel_tol) {
  detail::require_consistent(tucker, "recompress");
  // Factors U_m = Q_m R_m (thin QR); the R_m move into the core, so the
  // factors are orthonormal and ‖core‖ = ‖A‖ before the core's HOSVD.
  FullTensor core(tucker.ranks());
  core.values = tucker.core;
  std::vector<Eigen::MatrixXd> q(tucker.order());
  for (int m = 0; m < tucker.order(); ++m) {
    const Eigen::MatrixXd& u = tucker.factors[m];
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(u);
    const long k = std::min(u.rows(), u.cols());
    q[m] = qr.householderQ() * Eigen::MatrixXd::Identity(u.rows(), k);
    core = mode_product(core, m, qr.matrixQR().topRows(k).triangularView<Eigen::Upper>().toDenseMatrix());
  }
  const TuckerTensor small = hosvd(core, rel_tol);
  TuckerTensor t;
  for (int m = 0; m < tucker.order(); ++m) t.factors.push_back(q[m] * small.factors[m]);
  t.core = small.core;
  t.singular_values = small.singular_values;
  t.error_bound = small.error_bound;
  return t;
}

TuckerTensor add(const TuckerTensor& a, const TuckerTensor& b, double rel_tol) {
  detail::require_consistent(a, "add");
  detail::require_consistent(b, "add");
  FF_REQUIRE(a.shape() == b.shape(), InputError, "add: Tucker tensors of different shapes");
  TuckerTensor sum;
  for (int m = 0; m < a.order(); ++m) {
    Eigen::MatrixXd u(a.factors[m].rows(), a.factors[m].cols() + b.factors[m].cols());
    u << a.factors[m], b.factors[m];
    sum.factors.push_back(u);
  }
  // Block-diagonal core: a's core in the leading corner, b's in the trailing one.
  const std::vector<int> ra = a.ranks(), rb = b.ranks(), r = sum.ranks();
  FullTensor core(r);
  const bool three = a.order() == 3;
  const int ra3 = three ? ra[2] : 1, rb3 = three ? rb[2] : 1;
  for (int k = 0; k < ra3; ++k)
    for (int j = 0; j < ra[1]; ++j)
      core.values.segment(r[0] * (j + long(r[1]) * k), ra[0]) = a.core.segment(ra[0] * (j + long(ra[1]) * k), ra[0]);
  for (int k = 0; k < rb3; ++k)
    for (int j = 0; j < rb[1]; ++j) {
      const long kk = three ? ra[2] + k : 0;
      core.values.segment(ra[0] + r[0] * (ra[1] + j + long(r[1]) * kk), rb[0]) =
          b.core.segment(rb[0] * (j + long(rb[1]) * k), rb[0]);
    }
  sum.core = core.values;
  return recompress(sum, rel_tol);
}

TuckerTensor scale(TuckerTensor a, double alpha) {
  a.core *= alpha;
  a.error_bound *= std::abs(alpha);
  return a;
}

}  // namespace ff::tensor
