// Mesh-free low-rank functions on a box in 2D or 3D: the Chebyshev–Tucker
// format of Benner, Khoromskij, Khoromskaia and Sun (arXiv 2503.01696),
//
//   f(x) ≈ Σ_{a,b,c} G(a,b,c) φ_{1,a}(x_1) φ_{2,b}(x_2) φ_{3,c}(x_3),
//   φ_{m,a}(s) = Σ_k U_m(k, a) T_k(t_m(s)),
//
// i.e. the tensor of Chebyshev coefficients (tensor/chebyshev.hpp) held in
// Tucker form (tensor/tucker.hpp). Every operation works on the factors and
// the core; nothing of size n³ or of the output grid's size is formed except
// the output itself.
//
// Costs with degree n, ranks r, dimension 3:
//  - evaluate(points): per point 3 n r for the 1D bases and 2 r³ for the core
//    contraction, done as one GEMM per block of points;
//  - evaluate_grid: per grid point about 2 r flops (the last mode product),
//    plus O(m² r²) for the earlier ones;
//  - integral: O(n r + r³).
#pragma once

#include "tensor/chebyshev.hpp"
#include "tensor/tucker.hpp"

#include <Eigen/Dense>

#include <cstddef>
#include <functional>
#include <vector>

namespace ff::tensor {

// f evaluated at a batch of points: rows of an M × d matrix in, M values out.
using BatchFunction = std::function<Eigen::VectorXd(const Eigen::MatrixXd& points)>;

struct ChebyshevTuckerOptions {
  double rel_tol = 1e-7;  // HOSVD tolerance on the coefficient tensor (relative Frobenius)
  int hooi_sweeps = 0;    // ALS sweeps after the HOSVD, at its ranks
};

class ChebyshevTucker {
 public:
  // Wraps a coefficient tensor: factors[m] has axes[m].size() rows (the
  // Chebyshev coefficients of that axis), e.g. rhosvd() of a CpTensor whose
  // factor columns are 1D Chebyshev coefficients. InputError unless the order
  // is 2 or 3 and the sizes match.
  ChebyshevTucker(std::vector<ChebyshevAxis> axes, TuckerTensor coefficients);

  // Samples f on the tensor grid of Chebyshev nodes (one batch per slab of
  // the slowest axis), transforms to coefficients by DCTs along each axis,
  // compresses by HOSVD(rel_tol) and optional HOOI sweeps.
  static ChebyshevTucker interpolate(std::vector<ChebyshevAxis> axes, const BatchFunction& f,
                                     const ChebyshevTuckerOptions& options = {});
  // The same from samples already taken: values(i_1, i_2, i_3) = f(nodes_1(i_1), ...),
  // shape (n_1 + 1, n_2 + 1, n_3 + 1), first index fastest.
  static ChebyshevTucker from_node_values(std::vector<ChebyshevAxis> axes, const FullTensor& values,
                                          const ChebyshevTuckerOptions& options = {});

  int order() const { return static_cast<int>(axes_.size()); }
  const std::vector<ChebyshevAxis>& axes() const { return axes_; }
  const TuckerTensor& coefficients() const { return coefficients_; }
  std::vector<int> ranks() const { return coefficients_.ranks(); }
  std::vector<int> degrees() const;
  int degree(int axis) const { return axes_.at(axis).degree(); }
  // Bytes of the representation (factors and core in double precision).
  std::size_t memory_bytes() const;

  // f at the rows of `points` (M × d). InputError for a point outside the box
  // (beyond a relative 1e-12 of each side's length); OpenMP over blocks.
  Eigen::VectorXd evaluate(const Eigen::MatrixXd& points) const;
  // f on the tensor grid axis_coordinates[0] × axis_coordinates[1] (× [2]),
  // first index fastest; OpenMP over the slowest axis. For large grids the
  // first write to fresh memory (page faults) can cost more than the
  // arithmetic; accumulate_grid into a reused array avoids it.
  Eigen::VectorXd evaluate_grid(const std::vector<Eigen::VectorXd>& axis_coordinates) const;
  // out += alpha · f on the same grid (out.size() = Π grid sizes), so parts of
  // a field (near and far, several functions) sum into one array in place.
  void accumulate_grid(const std::vector<Eigen::VectorXd>& axis_coordinates, Eigen::Ref<Eigen::VectorXd> out,
                       double alpha = 1.0) const;
  // ∇f at the rows of `points`: M × d.
  Eigen::MatrixXd gradient(const Eigen::MatrixXd& points) const;
  // ∫ f over the box.
  double integral() const;

 private:
  std::vector<ChebyshevAxis> axes_;
  TuckerTensor coefficients_;
};

// a + b recompressed to rel_tol (InputError unless both live on the same axes),
// and alpha · a.
ChebyshevTucker add(const ChebyshevTucker& a, const ChebyshevTucker& b, double rel_tol);
ChebyshevTucker scale(const ChebyshevTucker& a, double alpha);

}  // namespace ff::tensor
