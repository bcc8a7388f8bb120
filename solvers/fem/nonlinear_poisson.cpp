#include "solvers/fem/nonlinear_poisson.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <algorithm>

namespace ff::fem {

namespace {

int rule_degree(const NonlinearPoissonOptions& options) {
  return options.quadrature_degree >= 0 ? options.quadrature_degree : 4 * options.degree - 2;
}

// The global vector of the unconstrained entries of `local_values`.
void to_global(const FeSpace& space, const std::vector<double>& local_values, Vec global) {
  DM dm = space.dm();
  Vec local = nullptr;
  FF_PETSC(DMGetLocalVector(dm, &local));
  PetscScalar* entries = nullptr;
  FF_PETSC(VecGetArray(local, &entries));
  std::copy(local_values.begin(), local_values.end(), entries);
  FF_PETSC(VecRestoreArray(local, &entries));
  FF_PETSC(DMLocalToGlobalBegin(dm, local, INSERT_VALUES, global));
  FF_PETSC(DMLocalToGlobalEnd(dm, local, INSERT_VALUES, global));
  FF_PETSC(DMRestoreLocalVector(dm, &local));
}

}  // namespace

NonlinearPoissonSolver::NonlinearPoissonSolver(const Mesh& mesh, const NonlinearPoissonOptions& options)
    : space_(mesh, options.degree),
      values_(space_, gauss_rule(mesh.shape(), rule_degree(options))),
      conductivity_(options.conductivity),
      jacobian_(space_.create_matrix()),
      unknowns_(space_.create_vector()),
      newton_(mesh.comm(), options.solver) {
  FF_REQUIRE(conductivity_.k0 > 0, InputError, "conductivity: k0 must be > 0, got {}", conductivity_.k0);
  FF_REQUIRE(conductivity_.law != ConductivityLaw::quadratic || conductivity_.beta >= 0, InputError,
             "conductivity: the quadratic law k0 (1 + beta u^2) needs beta >= 0 to stay positive, got beta = {}",
             conductivity_.beta);
}

void NonlinearPoissonSolver::set_data(const NonlinearPoissonData& data) {
  source_ = data.source;
  boundary_ = interpolate(space_, data.boundary);
  iterate_ = boundary_;
}

const linear::NewtonResult& NonlinearPoissonSolver::solve(const NonlinearPoissonData& data) {
  set_data(data);
  ScopedTimer timer("fem.newton");
  FF_PETSC(VecSet(unknowns_, 0.0));
  result_ = newton_.solve(*this, jacobian_, unknowns_);
  iterate_ = space_.to_local(unknowns_, boundary_);
  return result_;
}

double NonlinearPoissonSolver::jacobian_difference(const NonlinearPoissonData& data, const ExactValue& u) {
  set_data(data);
  to_global(space_, interpolate(space_, u), unknowns_);
  return newton_.jacobian_difference(*this, jacobian_, unknowns_);
}

void NonlinearPoissonSolver::residual(Vec x, Vec f) {
  iterate_ = space_.to_local(x, boundary_);
  // SNES makes f by duplicating x, which need not carry over the option that
  // lets assembly skip the constrained dofs' negative indices.
  FF_PETSC(VecSetOption(f, VEC_IGNORE_NEGATIVE_INDICES, PETSC_TRUE));
  FF_PETSC(VecSet(f, 0.0));
  NonlinearDiffusionKernel kernel(space_, iterate_, conductivity_, source_);
  // The boundary values enter through the iterate, so nothing is lifted.
  assemble(values_, kernel, {nullptr, f, nullptr});
}

void NonlinearPoissonSolver::jacobian(Vec x, Mat jacobian) {
  iterate_ = space_.to_local(x, boundary_);
  FF_PETSC(MatZeroEntries(jacobian));
  NonlinearDiffusionKernel kernel(space_, iterate_, conductivity_, source_);
  assemble(values_, kernel, {jacobian, nullptr, nullptr});
}

}  // namespace ff::fem
