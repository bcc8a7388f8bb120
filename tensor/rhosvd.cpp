// Reduced HOSVD of a canonical (CP) sum: Tucker factors from the SVDs of the
// CP factor matrices, the core from the projected terms, never the full tensor.
#include "core/error.hpp"
#include "core/timer.hpp"
#include "tensor/detail/block_sum.hpp"
#include "tensor/detail/khatri_rao.hpp"
#include "tensor/detail/svd.hpp"
#include "tensor/detail/unfolding.hpp"
#include "tensor/tucker.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ff::tensor {
namespace {

// Terms per block of the Gram accumulation: a scratch of n × 2048 doubles.
constexpr long kGramBlock = 2048;

// The CP sum with unit columns, â_{m,j} = a_{m,j} / ν_{m,j}, w'_j = w_j Π_m ν_{m,j},
// kept implicit (the factors can be hundreds of MB): only 1/ν and w' are stored.
struct Normalisation {
  std::vector<Eigen::VectorXd> inverse_norms;  // 1 / ν_{m,j}, 0 for a zero column
  Eigen::VectorXd weights;                     // w'
};

Normalisation normalise(const CpTensor& cp) {
  Normalisation n{{}, cp.weights};
  for (const auto& a : cp.factors) {
    const Eigen::VectorXd norms = a.colwise().norm().transpose();
    n.weights.array() *= norms.array();
    n.inverse_norms.push_back((norms.array() > 0.0).select(norms.array().inverse(), 0.0).matrix());
  }
  return n;
}

// F Fᵀ for F = A diag(s), accumulated over blocks of terms by symmetric rank
// updates (half a GEMM's flops), one partial sum per thread.
Eigen::MatrixXd scaled_gram(const Eigen::MatrixXd& a, const Eigen::VectorXd& s) {
  const long n = a.rows(), terms = a.cols();
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n, n);
  detail::sum_over_blocks((terms + kGramBlock - 1) / kGramBlock, lower, [&] {
    return [&, f = Eigen::MatrixXd(n, kGramBlock)](long b, Eigen::MatrixXd& partial) mutable {
      const long begin = b * kGramBlock, count = std::min(kGramBlock, terms - begin);
      f.leftCols(count).noalias() = a.middleCols(begin, count) * s.segment(begin, count).asDiagonal();
      partial.selfadjointView<Eigen::Lower>().rankUpdate(f.leftCols(count));
    };
  });
  return lower.selfadjointView<Eigen::Lower>();
}

// core = Σ_j w'_j ⊗_m (V_mᵀ â_{m,j}), projecting each block of terms just
// before it is contracted, so no projected factor of R columns is ever stored.
Eigen::VectorXd projected_core(const CpTensor& cp, const Normalisation& unit, const std::vector<Eigen::MatrixXd>& v) {
  const int d = cp.order();
  const long r1 = v[0].cols(), r2 = v[1].cols(), r3 = d == 3 ? v[2].cols() : 1;
  Eigen::VectorXd core = Eigen::VectorXd::Zero(r1 * r2 * r3);
  const long terms = cp.rank(), block = detail::cp_block_size(r2 * r3);
  detail::sum_over_blocks((terms + block - 1) / block, Eigen::Map<Eigen::MatrixXd>(core.data(), r1, r2 * r3), [&] {
    return [&, projected = std::vector<Eigen::MatrixXd>(3), scratch = Eigen::MatrixXd()](
               long k, Eigen::MatrixXd& partial) mutable {
      const long begin = k * block, count = std::min(block, terms - begin);
      for (int m = 0; m < 3; ++m) {
        if (m >= d) {
          projected[m].resize(0, count);  // order 2: no third mode
          continue;
        }
        // V_mᵀ â_{m,j}; the weights w'_j ride on mode 1.
        Eigen::VectorXd scale = unit.inverse_norms[m].segment(begin, count);
        if (m == 0) scale.array() *= unit.weights.segment(begin, count).array();
        projected[m].noalias() = (v[m].transpose() * cp.factors[m].middleCols(begin, count)) * scale.asDiagonal();
      }
      detail::add_cp_block(projected[0], projected[1], projected[2], partial, scratch);
    };
  });
  return core;
}

TuckerTensor rhosvd_with(const CpTensor& cp, const std::function<int(int, const Eigen::VectorXd&)>& choose) {
  detail::require_consistent(cp, "rhosvd");
  FF_REQUIRE(cp.weights.allFinite(), InputError, "rhosvd: the CP weights contain NaN or infinity");
  for (const auto& a : cp.factors)
    FF_REQUIRE(a.allFinite(), InputError, "rhosvd: a CP factor contains NaN or infinity");
  ScopedTimer timer("tensor.rhosvd");
  const Normalisation unit = normalise(cp);
  TuckerTensor t;
  double discarded = 0.0;
  for (int m = 0; m < cp.order(); ++m) {
    // Projecting mode m on span(V_m) changes the sum by Σ_j w'_j (I − P) â_{m,j} ⊗ (the
    // rest): weighting the unit columns by |w'_j| makes the discarded σ² of F_m measure it.
    const Eigen::VectorXd scale = unit.inverse_norms[m].cwiseProduct(unit.weights.cwiseAbs());
    const detail::LeftSingular pairs = detail::left_singular_from_gram(scaled_gram(cp.factors[m], scale));
    const int rank = std::clamp(choose(m, pairs.values), 1, static_cast<int>(pairs.values.size()));
    discarded += detail::discarded_energy(pairs.values, rank);
    t.factors.push_back(pairs.vectors.leftCols(rank));
    t.singular_values.push_back(pairs.values);
  }
  t.core = projected_core(cp, unit, t.factors);
  t.error_bound = std::sqrt(discarded);
  return t;
}

}  // namespace

TuckerTensor rhosvd(const CpTensor& cp, double rel_tol) {
  FF_REQUIRE(rel_tol >= 1e-8 && rel_tol < 1.0, InputError,
             "rhosvd tolerance must be in [1e-8, 1) (its Gram-matrix SVDs resolve no further), got {}", rel_tol);
  // Two truncations, factors then core, share the tolerance: rel_tol / √2 each.
  const double stage_tol = rel_tol / std::sqrt(2.0);
  const TuckerTensor factored = rhosvd_with(cp, [&](int, const Eigen::VectorXd& sigma) {
    // Σ σ² = ‖F_m‖² = ‖w‖²; each mode may discard an equal share of stage_tol² ‖w‖².
    return detail::truncation_rank(sigma, stage_tol * stage_tol * sigma.squaredNorm() / cp.order());
  });
  FullTensor core(factored.ranks());
  core.values = factored.core;
  const TuckerTensor small = hosvd(core, stage_tol);
  TuckerTensor t;
  for (int m = 0; m < cp.order(); ++m) t.factors.push_back(factored.factors[m] * small.factors[m]);
  t.core = small.core;
  t.singular_values = factored.singular_values;
  t.error_bound = factored.error_bound + small.error_bound;
  return t;
}

TuckerTensor rhosvd(const CpTensor& cp, const std::vector<int>& ranks) {
  FF_REQUIRE(static_cast<int>(ranks.size()) == cp.order(), InputError,
             "rhosvd of an order-{} CP tensor needs {} ranks, got {}", cp.order(), cp.order(), ranks.size());
  for (int r : ranks) FF_REQUIRE(r >= 1, InputError, "Tucker ranks must be at least 1, got {}", r);
  return rhosvd_with(cp, [&](int mode, const Eigen::VectorXd&) { return ranks[mode]; });
}

}  // namespace ff::tensor
