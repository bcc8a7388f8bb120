#include "tensor/detail/svd.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <Eigen/SVD>

#include <algorithm>

namespace ff::tensor::detail {

LeftSingular left_singular_from_transpose(const Eigen::MatrixXd& mt) {
  const Eigen::Index m = mt.cols();
  if (mt.rows() < m) {
    // Wide Mᵀ: M itself is tall-thin, an SVD of it directly is as cheap.
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(mt.transpose(), Eigen::ComputeThinU);
    return {svd.matrixU(), svd.singularValues()};
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(mt);
  const Eigen::MatrixXd r_transposed =
      qr.matrixQR().topRows(m).triangularView<Eigen::Upper>().toDenseMatrix().transpose();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(r_transposed, Eigen::ComputeFullU);
  return {svd.matrixU(), svd.singularValues()};
}

LeftSingular left_singular_from_gram(const Eigen::MatrixXd& gram) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  // Eigen sorts ascending; reverse to the descending order of singular values.
  const Eigen::Index m = gram.rows();
  LeftSingular result{eig.eigenvectors().rowwise().reverse(), eig.eigenvalues().reverse()};
  for (Eigen::Index k = 0; k < m; ++k) result.values(k) = std::sqrt(std::max(result.values(k), 0.0));
  return result;
}

int truncation_rank(const Eigen::VectorXd& sigma, double budget) {
  double tail = 0.0;
  int rank = static_cast<int>(sigma.size());
  while (rank > 1 && tail + sigma(rank - 1) * sigma(rank - 1) <= budget) {
    tail += sigma(rank - 1) * sigma(rank - 1);
    --rank;
  }
  return rank;
}

double discarded_energy(const Eigen::VectorXd& sigma, int rank) {
  return sigma.size() > rank ? sigma.tail(sigma.size() - rank).squaredNorm() : 0.0;
}

}  // namespace ff::tensor::detail
