// HOSVD and HOOI of dense tensors.
#include "core/error.hpp"
#include "core/timer.hpp"
#include "tensor/detail/svd.hpp"
#include "tensor/detail/unfolding.hpp"
#include "tensor/tucker.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ff::tensor {
namespace {

// Core of `a` in the bases `factors`: a ×_1 U_1ᵀ ×_2 U_2ᵀ (×_3 U_3ᵀ).
Eigen::VectorXd project(const FullTensor& a, const std::vector<Eigen::MatrixXd>& factors) {
  FullTensor x = a;
  for (int m = 0; m < a.order(); ++m) x = mode_product(x, m, factors[m].transpose());
  return x.values;
}

// Every mode's singular pairs, truncated to the rank `choose(mode, σ)` picks.
TuckerTensor hosvd_with(const FullTensor& a, const std::function<int(int, const Eigen::VectorXd&)>& choose) {
  ScopedTimer timer("tensor.hosvd");
  detail::require_consistent(a, "hosvd");
  TuckerTensor t;
  double discarded = 0.0;
  for (int m = 0; m < a.order(); ++m) {
    const detail::LeftSingular pairs = detail::left_singular_from_transpose(detail::unfolding_transpose(a, m));
    const int rank = std::clamp(choose(m, pairs.values), 1, static_cast<int>(pairs.values.size()));
    discarded += detail::discarded_energy(pairs.values, rank);
    t.factors.push_back(pairs.vectors.leftCols(rank));
    t.singular_values.push_back(pairs.values);
  }
  t.core = project(a, t.factors);
  t.error_bound = std::sqrt(discarded);
  return t;
}

}  // namespace

TuckerTensor hosvd(const FullTensor& a, double rel_tol) {
  FF_REQUIRE(rel_tol >= 0.0 && rel_tol < 1.0, InputError, "HOSVD tolerance must be in [0, 1), got {}", rel_tol);
  // The HOSVD bound ‖A − Â‖² ≤ Σ_modes Σ_discarded σ²: give every mode an
  // equal share of the allowed rel_tol² ‖A‖².
  const double budget = rel_tol * rel_tol * a.values.squaredNorm() / std::max(a.order(), 1);
  return hosvd_with(a, [&](int, const Eigen::VectorXd& sigma) { return detail::truncation_rank(sigma, budget); });
}

TuckerTensor hosvd(const FullTensor& a, const std::vector<int>& ranks) {
  FF_REQUIRE(static_cast<int>(ranks.size()) == a.order(), InputError,
             "HOSVD of an order-{} tensor needs {} ranks, got {}", a.order(), a.order(), ranks.size());
  for (int r : ranks) FF_REQUIRE(r >= 1, InputError, "Tucker ranks must be at least 1, got {}", r);
  return hosvd_with(a, [&](int mode, const Eigen::VectorXd&) { return ranks[mode]; });
}

TuckerTensor hooi(const FullTensor& a, TuckerTensor start, int sweeps) {
  detail::require_consistent(a, "hooi");
  detail::require_consistent(start, "hooi");
  FF_REQUIRE(start.shape() == a.shape, InputError,
             "HOOI: the starting Tucker tensor's shape differs from the tensor's");
  FF_REQUIRE(sweeps >= 0, InputError, "HOOI sweeps must be >= 0, got {}", sweeps);
  ScopedTimer timer("tensor.hooi");
  std::vector<Eigen::MatrixXd>& u = start.factors;
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    for (int m = 0; m < a.order(); ++m) {
      // A projected on every other mode's basis; its leading mode-m singular
      // vectors maximise ‖core‖ with the others fixed (one ALS step).
      FullTensor y = a;
      for (int k = 0; k < a.order(); ++k)
        if (k != m) y = mode_product(y, k, u[k].transpose());
      const detail::LeftSingular pairs = detail::left_singular_from_transpose(detail::unfolding_transpose(y, m));
      const long rank = std::min<long>(u[m].cols(), pairs.vectors.cols());
      u[m] = pairs.vectors.leftCols(rank);
    }
  }
  start.core = project(a, u);
  // Measured rather than taken as sqrt(‖A‖² − ‖core‖²), which loses all
  // digits below sqrt(ε) ‖A‖ to cancellation.
  start.error_bound = (a.values - assemble(start).values).norm();
  return start;
}

}  // namespace ff::tensor
