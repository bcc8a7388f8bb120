#include "solvers/fem/elasticity.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "solvers/linear/petsc_check.hpp"

namespace ff::fem {

namespace {

int rule_degree(const ElasticityOptions& options) {
  return options.quadrature_degree >= 0 ? options.quadrature_degree : 2 * options.degree;
}

FeSpaceOptions displacement_space(const Mesh& mesh, const ElasticityOptions& options) {
  FF_REQUIRE(!options.displacement.empty(), InputError,
             "elasticity needs a displacement condition on some boundary part: without one, rigid motions are free");
  FeSpaceOptions space;
  space.degree = options.degree;
  space.components = mesh.dim();
  space.dirichlet.emplace();
  for (const DisplacementCondition& condition : options.displacement)
    space.dirichlet->push_back({condition.part, condition.component});
  return space;
}

}  // namespace

ElasticitySolver::ElasticitySolver(const Mesh& mesh, ElasticityOptions options)
    : options_(std::move(options)),
      space_(mesh, displacement_space(mesh, options_)),
      values_(space_, gauss_rule(mesh.shape(), rule_degree(options_))),
      matrix_(space_.create_matrix()),
      rhs_(space_.create_vector()),
      unknowns_(space_.create_vector()) {
  boundary_.assign(space_.local_size(), 0.0);
  for (const DisplacementCondition& condition : options_.displacement)
    for (long dof : space_.part_dofs(condition.part, condition.component)) {
      double u[3] = {0, 0, 0};
      condition.value(space_.dof_coordinates(dof), u);
      boundary_[dof] = u[space_.component(dof)];
    }
}

void ElasticitySolver::assemble_system() {
  FF_PETSC(MatZeroEntries(matrix_));
  FF_PETSC(VecSet(rhs_, 0.0));
  ElasticityKernel kernel(options_.material, options_.body_force);
  assemble(values_, kernel, {matrix_, rhs_, &boundary_});
  add_tractions();
  if (options_.rigid_body_modes) set_rigid_body_modes();
}

// rhs_I += ∫_Γ t · φ_I ds over the faces of each traction part.
void ElasticitySolver::add_tractions() {
  if (options_.traction.empty()) return;
  FacetValues facets(space_, rule_degree(options_));
  const int m = space_.components();
  std::vector<double> cell_vector(space_.cell_dofs());
  for (const TractionCondition& condition : options_.traction)
    for (const BoundaryFace& face : boundary_faces(space_, condition.part)) {
      std::fill(cell_vector.begin(), cell_vector.end(), 0.0);
      for (int q = 0; q < facets.size(); ++q) {
        const FacetPoint& p = facets.point(face, q);
        double t[3] = {0, 0, 0};
        condition.value(p, t);
        for (int i = 0; i < p.size; ++i)
          for (int a = 0; a < m; ++a) cell_vector[i * m + a] += t[a] * p.values[i] * p.measure;  // t_a φ_i ds
      }
      FF_PETSC(VecSetValues(rhs_, space_.cell_dofs(), space_.global_dofs(face.cell), cell_vector.data(), ADD_VALUES));
    }
  FF_PETSC(VecAssemblyBegin(rhs_));
  FF_PETSC(VecAssemblyEnd(rhs_));
}

// Translations and rotations of the unconstrained dofs, orthonormalized.
// Built from the dofs themselves rather than by MatNullSpaceCreateRigidBody,
// which needs every node's dim components in one block of the global vector:
// a part constrained in some components only (a roller) breaks those blocks.
void ElasticitySolver::set_rigid_body_modes() {
  const int d = space_.dim();
  const int count = d == 2 ? 3 : 6;
  std::vector<linear::PetscHandle<Vec, VecDestroy>> modes(count);
  for (auto& mode : modes) mode = space_.create_vector();
  PetscInt first = 0, end = 0;
  FF_PETSC(VecGetOwnershipRange(modes[0], &first, &end));
  for (long dof = 0; dof < space_.local_size(); ++dof) {
    const PetscInt row = space_.global_dof(dof);
    if (row < first || row >= end) continue;  // constrained, or another rank's
    const double* x = space_.dof_coordinates(dof);
    const int c = space_.component(dof);
    double value[6] = {0, 0, 0, 0, 0, 0};
    value[c] = 1;  // translation along axis c
    if (d == 2) {
      const double rotation[2] = {-x[1], x[0]};  // about z
      value[2] = rotation[c];
    } else {
      const double rotations[3][3] = {{0, -x[2], x[1]}, {x[2], 0, -x[0]}, {-x[1], x[0], 0}};  // about x, y, z
      for (int r = 0; r < 3; ++r) value[3 + r] = rotations[r][c];
    }
    for (int k = 0; k < count; ++k) FF_PETSC(VecSetValue(modes[k], row, value[k], INSERT_VALUES));
  }
  std::vector<Vec> vectors;
  for (auto& mode : modes) {
    FF_PETSC(VecAssemblyBegin(mode));
    FF_PETSC(VecAssemblyEnd(mode));
    // Gram–Schmidt against the modes before it: MatNullSpaceCreate wants an orthonormal set.
    for (Vec previous : vectors) {
      PetscScalar dot = 0;
      FF_PETSC(VecDot(mode, previous, &dot));
      FF_PETSC(VecAXPY(mode, -dot, previous));
    }
    FF_PETSC(VecNormalize(mode, nullptr));
    vectors.push_back(mode);
  }
  linear::PetscHandle<MatNullSpace, MatNullSpaceDestroy> null_space;
  FF_PETSC(MatNullSpaceCreate(space_.mesh().comm(), PETSC_FALSE, count, vectors.data(), null_space.out()));
  FF_PETSC(MatSetNearNullSpace(matrix_, null_space));
}

const linear::KrylovResult& ElasticitySolver::solve() {
  assemble_system();
  ScopedTimer timer("fem.solve");
  FF_PETSC(VecSet(unknowns_, 0.0));
  linear::KrylovSolver krylov(space_.mesh().comm(), options_.solver);
  krylov.set_operator(matrix_);
  result_ = krylov.solve(rhs_, unknowns_);
  solution_ = space_.to_local(unknowns_, boundary_);
  return result_;
}

}  // namespace ff::fem
