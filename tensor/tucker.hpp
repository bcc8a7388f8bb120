// Dense, canonical (CP) and Tucker tensors of order 2 and 3, and the
// algorithms between them: HOSVD and HOOI of a dense tensor, reduced HOSVD
// (RHOSVD) of a CP sum, recompression, sums and scaling in Tucker form.
//
// Layout convention, everywhere: a tensor of shape (n_1, ..., n_d) is stored
// with the FIRST index fastest, entry (i_1, ..., i_d) at
// i_1 + n_1 (i_2 + n_2 (i_3 ...)). The mode-1 unfolding is then the
// column-major n_1 × (n_2 ⋯ n_d) matrix over the same memory.
//
// References: De Lathauwer, De Moor, Vandewalle, SIAM J. Matrix Anal. Appl.
// 21 (2000) (HOSVD, HOOI); Khoromskij and Khoromskaia, SIAM J. Sci. Comput. 31
// (2009) (RHOSVD of canonical tensors).
#pragma once

#include <Eigen/Dense>

#include <vector>

namespace ff::tensor {

struct FullTensor {
  std::vector<int> shape;
  Eigen::VectorXd values;  // first index fastest

  FullTensor() = default;
  explicit FullTensor(std::vector<int> shape);  // all zeros
  int order() const { return static_cast<int>(shape.size()); }
  long size() const;  // product of the shape
  double norm() const { return values.norm(); }
};

// A = Σ_j weights(j) · a_{1,j} ⊗ ... ⊗ a_{d,j}, a_{m,j} = factors[m].col(j).
struct CpTensor {
  std::vector<Eigen::MatrixXd> factors;  // n_m × R each
  Eigen::VectorXd weights;               // R
  int order() const { return static_cast<int>(factors.size()); }
  long rank() const { return weights.size(); }
  std::vector<int> shape() const;
};

// A ≈ core ×_1 U_1 ×_2 U_2 (×_3 U_3): A(i,j,k) = Σ_abc G(a,b,c) U_1(i,a) U_2(j,b) U_3(k,c).
struct TuckerTensor {
  std::vector<Eigen::MatrixXd> factors;  // n_m × r_m, orthonormal columns (from every algorithm here)
  Eigen::VectorXd core;                  // r_1 · r_2 (· r_3), first index fastest

  // What the compression that produced this tensor saw, kept so callers can
  // print ε-ranks: for each mode, every singular value of the mode unfolding
  // (descending, before truncation). Empty when no compression made it.
  std::vector<Eigen::VectorXd> singular_values;
  // Absolute Frobenius error of this approximation against the tensor it was
  // compressed from: the HOSVD bound sqrt(Σ_modes Σ_discarded σ²) from
  // hosvd/recompress/add, the exact error from hooi, an estimate from rhosvd
  // (see there). 0 when nothing was discarded.
  double error_bound = 0.0;

  int order() const { return static_cast<int>(factors.size()); }
  std::vector<int> ranks() const;  // r_m
  std::vector<int> shape() const;  // n_m
  long parameter_count() const;    // Σ n_m r_m + Π r_m
  // ‖A‖_F; equal to ‖core‖ because the factors are orthonormal.
  double norm() const { return core.norm(); }
};

// Dense forms, for tests and small sizes. assemble(CpTensor) streams the CP
// terms through GEMMs in blocks and never forms more than the result.
FullTensor assemble(const TuckerTensor& tucker);
FullTensor assemble(const CpTensor& cp);

// Y = X ×_mode M: Y(.., i, ..) = Σ_j M(i, j) X(.., j, ..); shape[mode] becomes M.rows().
FullTensor mode_product(const FullTensor& x, int mode, const Eigen::MatrixXd& matrix);

// HOSVD truncated so that Σ_modes Σ_discarded σ² ≤ rel_tol² ‖A‖², each mode
// given an equal share rel_tol² ‖A‖² / d. Then ‖A − Â‖ ≤ error_bound ≤ rel_tol ‖A‖.
// Singular values come from a QR of each unfolding's transpose followed by an
// SVD of the small triangle, accurate down to round-off (no Gram matrix).
TuckerTensor hosvd(const FullTensor& a, double rel_tol);
// The same with the ranks given (each clamped to the mode size).
TuckerTensor hosvd(const FullTensor& a, const std::vector<int>& ranks);

// Higher-order orthogonal iteration (ALS) at the ranks of `start`: each step
// replaces one factor by the leading left singular vectors of A projected on
// the other factors, which maximises ‖core‖, so ‖A − Â‖ never increases.
// error_bound is set to the exact error sqrt(‖A‖² − ‖core‖²).
TuckerTensor hooi(const FullTensor& a, TuckerTensor start, int sweeps);

// Reduced HOSVD of a CP sum without forming it. Columns of each factor are
// normalised (norms moved into the weights w); mode m is truncated from the
// SVD of F_m = Â_m diag(|w|), the ε-rank chosen so that Σ_discarded σ² ≤
// rel_tol² ‖w‖² / d; the core Σ_j w_j ⊗_m (V_mᵀ â_{m,j}) is formed by GEMMs
// over blocks of terms; a HOSVD of the small core (rel_tol) follows.
// error_bound = sqrt(Σ discarded σ²) + the core's bound: an estimate that is a
// bound when the other modes' terms are orthogonal, and relative to ‖w‖, not
// ‖A‖: a sum with heavy cancellation (‖A‖ ≪ ‖w‖) needs a smaller rel_tol.
// The factor SVDs use the R-independent Gram matrices F_m F_mᵀ, so singular
// values below ~1e-8 σ_max are not resolved: rel_tol below 1e-8 is refused.
TuckerTensor rhosvd(const CpTensor& cp, double rel_tol);
// Fixed ranks, no core recompression.
TuckerTensor rhosvd(const CpTensor& cp, const std::vector<int>& ranks);

// Tucker → Tucker: factors re-orthonormalised by QR, HOSVD of the core with
// rel_tol relative to ‖A‖, the core's factors multiplied into the factors.
TuckerTensor recompress(const TuckerTensor& tucker, double rel_tol);
// a + b: factors concatenated, block-diagonal core, then recompress(rel_tol).
// InputError when the orders or mode sizes differ.
TuckerTensor add(const TuckerTensor& a, const TuckerTensor& b, double rel_tol);
// alpha · a (the core scales; the ranks stay).
TuckerTensor scale(TuckerTensor a, double alpha);

}  // namespace ff::tensor
