#include "solvers/fem/poisson.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "solvers/fem/norms.hpp"
#include "solvers/linear/petsc_check.hpp"

namespace ff::fem {

PoissonSolver::PoissonSolver(const Mesh& mesh, const PoissonOptions& options)
    : space_(mesh, FeSpaceOptions{options.degree, 1, options.dirichlet}),
      values_(space_, gauss_rule(mesh.shape(),
                                 options.quadrature_degree >= 0 ? options.quadrature_degree : 2 * options.degree)),
      matrix_(space_.create_matrix()),
      rhs_(space_.create_vector()),
      unknowns_(space_.create_vector()),
      solver_options_(options.solver) {}

void PoissonSolver::assemble_system(const PoissonData& data) {
  FF_PETSC(MatZeroEntries(matrix_));
  FF_PETSC(VecSet(rhs_, 0.0));
  if (data.boundary_values.empty()) {
    boundary_ = interpolate(space_, data.boundary);
  } else {
    FF_REQUIRE(static_cast<long>(data.boundary_values.size()) == space_.local_size(), RunError,
               "Poisson boundary values: expected {} (one per local dof), got {}", space_.local_size(),
               data.boundary_values.size());
    boundary_ = data.boundary_values;
  }
  DiffusionKernel kernel(data.conductivity, data.source);
  assemble(values_, kernel, {matrix_, rhs_, &boundary_});
}

const linear::KrylovResult& PoissonSolver::solve(const PoissonData& data) {
  assemble_system(data);
  ScopedTimer timer("fem.solve");
  FF_PETSC(VecSet(unknowns_, 0.0));
  // A fresh KSP per solve: the preconditioner is rebuilt for the new matrix
  // anyway, and a solve then never depends on the ones before it (GAMG's
  // eigenvalue estimates draw random vectors), so a dataset's samples are
  // the same whichever rank solves them, in whatever order.
  linear::KrylovSolver krylov(space_.mesh().comm(), solver_options_);
  krylov.set_operator(matrix_);
  result_ = krylov.solve(rhs_, unknowns_);
  solution_ = space_.to_local(unknowns_, boundary_);
  return result_;
}

}  // namespace ff::fem
