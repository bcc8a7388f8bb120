// Left singular pairs and ε-rank truncation, the kernels under hosvd, hooi
// and rhosvd.
#pragma once

#include <Eigen/Dense>

namespace ff::tensor::detail {

struct LeftSingular {
  Eigen::MatrixXd vectors;  // m × k, orthonormal columns
  Eigen::VectorXd values;   // k, descending
};

// Left singular vectors and values of the m × N matrix M, given Mᵀ (N × m),
// which is how unfoldings are cheapest to form. For N ≥ m: Householder QR
// Mᵀ = Q R, then the SVD of the m × m matrix Rᵀ (whose left singular pairs are
// M's): accurate to round-off in ‖M‖, unlike the eigenvalues of M Mᵀ.
LeftSingular left_singular_from_transpose(const Eigen::MatrixXd& mt);

// The same from the Gram matrix M Mᵀ (symmetric, m × m): σ = sqrt(λ). Cheap
// when N ≫ m, but σ below ~1e-8 σ_max drown in the round-off of the Gram matrix.
LeftSingular left_singular_from_gram(const Eigen::MatrixXd& gram);

// Smallest r ≥ 1 with Σ_{k ≥ r} σ_k² ≤ budget (σ descending).
int truncation_rank(const Eigen::VectorXd& sigma, double budget);
// Σ_{k ≥ r} σ_k².
double discarded_energy(const Eigen::VectorXd& sigma, int rank);

}  // namespace ff::tensor::detail
