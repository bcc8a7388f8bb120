#include "solvers/obstacles/lanczos.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

#include <spdlog/spdlog.h>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace ff::obstacles {

RitzPairs lanczos_ritz_pairs(const PressureLaplacian& matrix, const LanczosOptions& options, std::uint64_t seed) {
  const long n = matrix.size();
  const long max_steps = std::min(options.steps, n);
  FF_REQUIRE(max_steps >= 2, InputError, "lanczos.steps: need at least 2, got {}", options.steps);

  Eigen::MatrixXf basis(n, max_steps);
  Eigen::VectorXd q(n), previous = Eigen::VectorXd::Zero(n), w(n);
  SampleRng rng(seed, 0x1a4c205, 0);
  for (long i = 0; i < n; ++i) q[i] = rng.normal();
  q /= q.norm();

  std::vector<double> alpha, beta;
  double beta_previous = 0;
  long steps = 0;
  for (; steps < max_steps; ++steps) {
    basis.col(steps) = q.cast<float>();
    matrix.apply(q.data(), w.data());
    const double a = q.dot(w);
    w -= a * q + beta_previous * previous;
    if (options.reorthogonalize)
      for (int pass = 0; pass < 2; ++pass) {  // twice is enough (Kahan–Parlett)
        const auto kept = basis.leftCols(steps + 1);
        const Eigen::VectorXf coefficients = kept.transpose() * w.cast<float>();
        w -= (kept * coefficients).cast<double>();
      }
    alpha.push_back(a);
    const double b = w.norm();
    if (steps + 1 == max_steps || b <= 1e-12 * std::abs(a)) {  // done, or an invariant subspace
      ++steps;
      break;
    }
    beta.push_back(b);
    previous = q;
    q = w / b;
    beta_previous = b;
  }
  beta.resize(steps - 1);

  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> tridiagonal;
  tridiagonal.computeFromTridiagonal(Eigen::Map<Eigen::VectorXd>(alpha.data(), steps),
                                     Eigen::Map<Eigen::VectorXd>(beta.data(), steps - 1), Eigen::ComputeEigenvectors);
  const Eigen::VectorXd& theta = tridiagonal.eigenvalues();  // ascending
  const double largest = theta.cwiseAbs().maxCoeff();
  std::vector<long> kept;
  for (long k = 0; k < steps; ++k)
    if (theta[k] > options.zero_tolerance * largest) kept.push_back(k);

  RitzPairs pairs;
  Eigen::MatrixXf coefficients(steps, static_cast<long>(kept.size()));
  for (std::size_t k = 0; k < kept.size(); ++k) {
    pairs.values.push_back(theta[kept[k]]);
    coefficients.col(static_cast<long>(k)) = tridiagonal.eigenvectors().col(kept[k]).cast<float>();
  }
  pairs.vectors.noalias() = basis.leftCols(steps) * coefficients;
  for (long k = 0; k < pairs.vectors.cols(); ++k) pairs.vectors.col(k).normalize();
  spdlog::info("lanczos: {} steps on {} unknowns, {} Ritz pairs in [{:.3e}, {:.3e}]", steps, n, pairs.values.size(),
               pairs.values.front(), pairs.values.back());
  return pairs;
}

}  // namespace ff::obstacles
