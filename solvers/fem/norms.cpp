#include "solvers/fem/norms.hpp"

#include "core/error.hpp"
#include "solvers/fem/cell_values.hpp"

#include <mpi.h>

#include <cmath>

namespace ff::fem {

ErrorNorms error_norms(const FeSpace& space, const std::vector<double>& solution, const ExactValue& u,
                       const ExactGradient& grad_u, int quadrature_degree) {
  FF_REQUIRE(space.components() == 1, RunError, "error_norms of a {}-component space: use vector_error_norms",
             space.components());
  return vector_error_norms(
      space, solution, [&](const double* x, double* value) { *value = u(x); }, grad_u, quadrature_degree);
}

ErrorNorms vector_error_norms(const FeSpace& space, const std::vector<double>& solution, const ExactVector& u,
                              const ExactVectorGradient& grad_u, int quadrature_degree) {
  CellValues values(space, gauss_rule(space.element().shape(), quadrature_degree));
  const int n = space.element().size(), d = space.dim(), m = space.components();
  std::vector<double> cell_solution(n * m);
  double sums[2] = {0, 0};  // ∫|u − u_h|², ∫|∇(u − u_h)|²
  for (long c = 0; c < space.cells(); ++c) {
    const PetscInt* dofs = space.local_dofs(c);
    for (int i = 0; i < n * m; ++i) cell_solution[i] = solution[dofs[i]];
    for (int q = 0; q < values.rule().size(); ++q) {
      const IntegrationPoint& p = values.point(c, q);
      double exact[3], exact_gradient[9];
      u(p.x, exact);
      grad_u(p.x, exact_gradient);
      for (int a = 0; a < m; ++a) {
        double e = exact[a];
        for (int i = 0; i < n; ++i) e -= cell_solution[i * m + a] * p.values[i];
        sums[0] += e * e * p.measure;
        for (int b = 0; b < d; ++b) {
          double g = exact_gradient[a * d + b];
          for (int i = 0; i < n; ++i) g -= cell_solution[i * m + a] * p.gradients[i * d + b];
          sums[1] += g * g * p.measure;
        }
      }
    }
  }
  double totals[2];
  MPI_Allreduce(sums, totals, 2, MPI_DOUBLE, MPI_SUM, space.mesh().comm());
  return {std::sqrt(totals[0]), std::sqrt(totals[1])};
}

std::vector<double> interpolate(const FeSpace& space, const ExactValue& u) {
  std::vector<double> out(space.local_size());
  for (long i = 0; i < space.local_size(); ++i) out[i] = u(space.dof_coordinates(i));
  return out;
}

std::vector<double> interpolate_vector(const FeSpace& space, const ExactVector& u) {
  std::vector<double> out(space.local_size());
  double value[3];
  for (long i = 0; i < space.local_size(); ++i) {
    u(space.dof_coordinates(i), value);
    out[i] = value[space.component(i)];
  }
  return out;
}

}  // namespace ff::fem
