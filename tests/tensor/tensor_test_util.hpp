// Small helpers shared by the tensor tests.
#pragma once

#include "tensor/tucker.hpp"

#include <Eigen/Dense>

#include <functional>
#include <random>
#include <vector>

namespace ff::tensor::testing {

// f sampled on the tensor grid x_1 × x_2 (× x_3), first index fastest.
inline FullTensor sample_grid(const std::vector<Eigen::VectorXd>& axes,
                              const std::function<double(double, double, double)>& f) {
  std::vector<int> shape;
  for (const auto& x : axes) shape.push_back(static_cast<int>(x.size()));
  FullTensor t(shape);
  const long n3 = axes.size() == 3 ? axes[2].size() : 1;
  long index = 0;
  for (long k = 0; k < n3; ++k)
    for (long j = 0; j < axes[1].size(); ++j)
      for (long i = 0; i < axes[0].size(); ++i)
        t.values(index++) = f(axes[0](i), axes[1](j), axes.size() == 3 ? axes[2](k) : 0.0);
  return t;
}

inline Eigen::MatrixXd random_matrix(long rows, long cols, unsigned seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  Eigen::MatrixXd m(rows, cols);
  for (long j = 0; j < cols; ++j)
    for (long i = 0; i < rows; ++i) m(i, j) = u(rng);
  return m;
}

inline double relative_error(const Eigen::VectorXd& approx, const Eigen::VectorXd& exact) {
  return (approx - exact).norm() / exact.norm();
}

}  // namespace ff::tensor::testing
