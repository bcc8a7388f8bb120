// −∇·(a∇u) = f in Ω, u = g on ∂Ω, with Lagrange elements on a Mesh, solved
// with a PETSc Krylov method (CG + GAMG by default). Shaped like deal.II's
// step-6: setup once, then assemble_system and solve in the order they
// happen; solve() may be called again with new data (a new coefficient),
// reusing the space and the matrix's pattern.
#pragma once

#include "solvers/fem/cell_values.hpp"
#include "solvers/fem/diffusion.hpp"
#include "solvers/linear/krylov.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace ff::fem {

struct PoissonOptions {
  int degree = 1;              // P1/Q1, or P2 on simplices
  int quadrature_degree = -1;  // exactness of the assembly rule; -1: 2 x degree
  linear::KrylovOptions solver;
  // Where u = g: nothing for the whole boundary, or named boundary parts (the
  // rest of the boundary then has the natural condition a ∂u/∂n = 0).
  std::optional<std::vector<DirichletPart>> dirichlet;
};

struct PoissonData {
  PointFunction conductivity = [](const IntegrationPoint&) { return 1.0; };
  PointFunction source = [](const IntegrationPoint&) { return 0.0; };
  std::function<double(const double* x)> boundary = [](const double*) { return 0.0; };
  // g at the space's local dofs (only constrained entries are read); when
  // set, it replaces `boundary`, e.g. for values given per boundary part.
  std::vector<double> boundary_values;
};

class PoissonSolver {
 public:
  PoissonSolver(const Mesh& mesh, const PoissonOptions& options);

  // Assembles and solves. RunError when the Krylov solve does not converge.
  const linear::KrylovResult& solve(const PoissonData& data);

  const FeSpace& space() const { return space_; }
  // The last solution at this rank's local dofs, boundary values included.
  const std::vector<double>& solution() const { return solution_; }
  const linear::KrylovResult& result() const { return result_; }
  CellValues& cell_values() { return values_; }

 private:
  void assemble_system(const PoissonData& data);

  FeSpace space_;
  CellValues values_;
  linear::PetscHandle<Mat, MatDestroy> matrix_;
  linear::PetscHandle<Vec, VecDestroy> rhs_, unknowns_;
  linear::KrylovOptions solver_options_;
  std::vector<double> boundary_, solution_;
  linear::KrylovResult result_;
};

}  // namespace ff::fem
