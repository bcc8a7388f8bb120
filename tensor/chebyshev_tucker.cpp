// Building Chebyshev–Tucker functions, their integral and their algebra; the
// evaluation kernels are in chebyshev_tucker_evaluate.cpp.
#include "tensor/chebyshev_tucker.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "tensor/detail/dct.hpp"
#include "tensor/detail/unfolding.hpp"

namespace ff::tensor {

ChebyshevTucker::ChebyshevTucker(std::vector<ChebyshevAxis> axes, TuckerTensor coefficients)
    : axes_(std::move(axes)), coefficients_(std::move(coefficients)) {
  detail::require_consistent(coefficients_, "Chebyshev–Tucker function");
  FF_REQUIRE(coefficients_.order() == order(), InputError,
             "Chebyshev–Tucker function: {} axes but a coefficient tensor of order {}", order(), coefficients_.order());
  for (int m = 0; m < order(); ++m)
    FF_REQUIRE(coefficients_.factors[m].rows() == axes_[m].size(), InputError,
               "Chebyshev–Tucker function: axis {} has degree {} ({} coefficients) but its factor has {} rows", m,
               axes_[m].degree(), axes_[m].size(), coefficients_.factors[m].rows());
}

ChebyshevTucker ChebyshevTucker::interpolate(std::vector<ChebyshevAxis> axes, const BatchFunction& f,
                                             const ChebyshevTuckerOptions& options) {
  const int d = static_cast<int>(axes.size());
  FF_REQUIRE(d == 2 || d == 3, InputError, "Chebyshev–Tucker functions live in 2D or 3D, got {} axes", d);
  std::vector<int> shape;
  for (const auto& axis : axes) shape.push_back(axis.size());
  FullTensor values(shape);
  ScopedTimer timer("tensor.sample_at_nodes");
  // One batch per index of the slowest axis: the other axes' node grid, first index fastest.
  const long slab = values.size() / shape[d - 1];
  Eigen::MatrixXd points(slab, d);
  for (long p = 0; p < slab; ++p) {
    points(p, 0) = axes[0].nodes()(p % shape[0]);
    if (d == 3) points(p, 1) = axes[1].nodes()(p / shape[0]);
  }
  for (int k = 0; k < shape[d - 1]; ++k) {
    points.col(d - 1).setConstant(axes[d - 1].nodes()(k));
    const Eigen::VectorXd v = f(points);
    FF_REQUIRE(v.size() == slab, RunError, "the function returned {} values for a batch of {} points", v.size(), slab);
    values.values.segment(k * slab, slab) = v;
  }
  return from_node_values(std::move(axes), values, options);
}

ChebyshevTucker ChebyshevTucker::from_node_values(std::vector<ChebyshevAxis> axes, const FullTensor& values,
                                                  const ChebyshevTuckerOptions& options) {
  const int d = static_cast<int>(axes.size());
  FF_REQUIRE(d == 2 || d == 3, InputError, "Chebyshev–Tucker functions live in 2D or 3D, got {} axes", d);
  FF_REQUIRE(values.order() == d, InputError, "node values of order {} for {} axes", values.order(), d);
  for (int m = 0; m < d; ++m)
    FF_REQUIRE(values.shape[m] == axes[m].size(), InputError,
               "node values have {} entries along axis {}, degree {} needs {}", values.shape[m], m, axes[m].degree(),
               axes[m].size());
  FF_REQUIRE(values.values.allFinite(), InputError, "the samples at the Chebyshev nodes contain NaN or infinity");
  ScopedTimer timer("tensor.node_values_to_tucker");
  FullTensor coefficients = values;
  for (int m = 0; m < d; ++m) detail::chebyshev_transform(coefficients.values.data(), coefficients.shape, m);
  TuckerTensor tucker = hosvd(coefficients, options.rel_tol);
  if (options.hooi_sweeps > 0) tucker = hooi(coefficients, std::move(tucker), options.hooi_sweeps);
  return ChebyshevTucker(std::move(axes), std::move(tucker));
}

std::vector<int> ChebyshevTucker::degrees() const {
  std::vector<int> n;
  for (const auto& axis : axes_) n.push_back(axis.degree());
  return n;
}

std::size_t ChebyshevTucker::memory_bytes() const {
  return static_cast<std::size_t>(coefficients_.parameter_count()) * sizeof(double);
}

double ChebyshevTucker::integral() const {
  // ∫ f = core ×_m (U_mᵀ w_m), w_m the integrals of the 1D Chebyshev basis.
  FullTensor x(ranks());
  x.values = coefficients_.core;
  for (int m = 0; m < order(); ++m)
    x = mode_product(x, m, (coefficients_.factors[m].transpose() * axes_[m].basis_integrals()).transpose());
  return x.values(0);
}

ChebyshevTucker add(const ChebyshevTucker& a, const ChebyshevTucker& b, double rel_tol) {
  FF_REQUIRE(a.order() == b.order(), InputError, "add: Chebyshev–Tucker functions in {}D and {}D", a.order(),
             b.order());
  for (int m = 0; m < a.order(); ++m)
    FF_REQUIRE(a.axes()[m].same_as(b.axes()[m]), InputError,
               "add: axis {} differs ([{}, {}] degree {} against [{}, {}] degree {})", m, a.axes()[m].interval().lo,
               a.axes()[m].interval().hi, a.degree(m), b.axes()[m].interval().lo, b.axes()[m].interval().hi,
               b.degree(m));
  return ChebyshevTucker(a.axes(), add(a.coefficients(), b.coefficients(), rel_tol));
}

ChebyshevTucker scale(const ChebyshevTucker& a, double alpha) {
  return ChebyshevTucker(a.axes(), scale(a.coefficients(), alpha));
}

}  // namespace ff::tensor
