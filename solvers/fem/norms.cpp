#include "solvers/fem/norms.hpp"

#include "solvers/fem/cell_values.hpp"

#include <mpi.h>

#include <cmath>

namespace ff::fem {

ErrorNorms error_norms(const FeSpace& space, const std::vector<double>& solution, const ExactValue& u,
                       const ExactGradient& grad_u, int quadrature_degree) {
  CellValues values(space, gauss_rule(space.element().shape(), quadrature_degree));
  const int n = space.element().size(), d = space.dim();
  std::vector<double> cell_solution(n);
  double sums[2] = {0, 0};  // ∫(u − u_h)², ∫|∇(u − u_h)|²
  for (long c = 0; c < space.cells(); ++c) {
    const PetscInt* dofs = space.local_dofs(c);
    for (int i = 0; i < n; ++i) cell_solution[i] = solution[dofs[i]];
    for (int q = 0; q < values.rule().size(); ++q) {
      const IntegrationPoint& p = values.point(c, q);
      double exact_gradient[3];
      grad_u(p.x, exact_gradient);
      const double e = u(p.x) - p.interpolate(cell_solution.data());
      double e_grad = 0;
      for (int a = 0; a < d; ++a) {
        double g = exact_gradient[a];
        for (int i = 0; i < n; ++i) g -= cell_solution[i] * p.gradients[i * d + a];
        e_grad += g * g;
      }
      sums[0] += e * e * p.measure;
      sums[1] += e_grad * p.measure;
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

}  // namespace ff::fem
