#include "solvers/fem/point_field.hpp"

namespace ff::fem {

PointField evaluate_field(const IntegrationPoint& p, const FeSpace& space, const std::vector<double>& local_values) {
  const PetscInt* dofs = space.local_dofs(p.cell);
  PointField field;
  for (int i = 0; i < p.size; ++i) {
    const double u_i = local_values[dofs[i]];
    field.value += u_i * p.values[i];
    for (int a = 0; a < p.dim; ++a) field.gradient[a] += u_i * p.gradients[i * p.dim + a];
  }
  return field;
}

}  // namespace ff::fem
