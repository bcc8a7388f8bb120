// Small-strain linear elasticity on a Mesh:
//   −∇·σ(u) = f in Ω,  u = g on the displacement parts,  σn = t on the
//   traction parts,  σn = 0 on the rest of the boundary,
// with σ = λ tr(ε) I + 2μ ε (plane strain in 2D), Lagrange elements with dim
// components per node, and a PETSc Krylov method (CG + GAMG by default, with
// the rigid body motions as GAMG's near-null space). Shaped like
// PoissonSolver: the space is set up once, then assemble_system and solve.
// The space owns its DM (a clone of the mesh's), so other solvers and spaces
// may share the Mesh.
#pragma once

#include "solvers/fem/cell_values.hpp"
#include "solvers/fem/elasticity_kernel.hpp"
#include "solvers/fem/facet_values.hpp"
#include "solvers/linear/krylov.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ff::fem {

// u_c = value(x)_c on a named boundary part, for one component c or all.
// Where parts meet, the later condition of a list sets the value.
struct DisplacementCondition {
  std::string part;
  int component = -1;  // -1: every component
  std::function<void(const double* x, double* u)> value = [](const double*, double* u) { u[0] = u[1] = u[2] = 0; };
};

// σn = value(p) (a force per unit area [dim]) on a named boundary part.
struct TractionCondition {
  std::string part;
  std::function<void(const FacetPoint& p, double* t)> value;
};

struct ElasticityOptions {
  int degree = 1;              // P1/Q1, or P2 on simplices
  int quadrature_degree = -1;  // exactness of the assembly rules; -1: 2 x degree
  LameParameters material;
  VectorPointFunction body_force = [](const IntegrationPoint&, double* f) { f[0] = f[1] = f[2] = 0; };
  std::vector<DisplacementCondition> displacement;  // at least one: rigid motions must be held
  std::vector<TractionCondition> traction;
  bool rigid_body_modes = true;  // hand them to the preconditioner as its near-null space (GAMG uses them)
  linear::KrylovOptions solver;
};

class ElasticitySolver {
 public:
  // InputError for an unknown part name, a component out of range, or no
  // displacement condition.
  ElasticitySolver(const Mesh& mesh, ElasticityOptions options);

  // Assembles and solves. RunError when the Krylov solve does not converge.
  const linear::KrylovResult& solve();

  const FeSpace& space() const { return space_; }
  // The displacement at this rank's local dofs (interleaved: dof = node * dim + component).
  const std::vector<double>& solution() const { return solution_; }
  const linear::KrylovResult& result() const { return result_; }

 private:
  void assemble_system();
  void add_tractions();
  void set_rigid_body_modes();

  ElasticityOptions options_;
  FeSpace space_;
  CellValues values_;
  linear::PetscHandle<Mat, MatDestroy> matrix_;
  linear::PetscHandle<Vec, VecDestroy> rhs_, unknowns_;
  std::vector<double> boundary_, solution_;
  linear::KrylovResult result_;
};

}  // namespace ff::fem
