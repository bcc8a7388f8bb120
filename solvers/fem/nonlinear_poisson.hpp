// −∇·(k(u)∇u) = f in Ω, u = g on ∂Ω, with Lagrange elements on a Mesh and
// Newton's method (PETSc SNES) on the unknowns off the boundary, shaped like
// PoissonSolver: setup once, then solve() — which assembles the residual and
// Jacobian of nonlinear_diffusion.hpp at each iterate — as often as wanted.
// Newton starts from u = 0 off the boundary.
#pragma once

#include "solvers/fem/cell_values.hpp"
#include "solvers/fem/nonlinear_diffusion.hpp"
#include "solvers/fem/norms.hpp"
#include "solvers/linear/newton.hpp"

#include <functional>
#include <vector>

namespace ff::fem {

struct NonlinearPoissonOptions {
  int degree = 1;  // P1/Q1, or P2 on simplices
  // Exactness of the assembly rule; -1: 4 x degree − 2, which integrates the
  // quadratic law's residual and Jacobian exactly for a constant source
  // (k(u) of degree 2·degree times ∇u·∇φ of degree 2·degree − 2).
  int quadrature_degree = -1;
  Conductivity conductivity;
  linear::NewtonOptions solver;
};

struct NonlinearPoissonData {
  PointFunction source = [](const IntegrationPoint&) { return 0.0; };
  ExactValue boundary = [](const double*) { return 0.0; };
};

class NonlinearPoissonSolver : private linear::NonlinearProblem {
 public:
  NonlinearPoissonSolver(const Mesh& mesh, const NonlinearPoissonOptions& options);

  // Newton's method from u = 0 off the boundary. RunError when it does not converge.
  const linear::NewtonResult& solve(const NonlinearPoissonData& data);

  // ‖J − J_fd‖_F / ‖J‖_F of the Jacobian at the state `u` (interpolated,
  // boundary values from data), against finite differences of the residual;
  // see linear::NewtonSolver::jacobian_difference. For small meshes; solves
  // nothing, so solution() is meaningful again only after the next solve().
  double jacobian_difference(const NonlinearPoissonData& data, const ExactValue& u);

  const FeSpace& space() const { return space_; }
  // The last solution at this rank's local dofs, boundary values included.
  const std::vector<double>& solution() const { return iterate_; }
  const linear::NewtonResult& result() const { return result_; }

 private:
  void set_data(const NonlinearPoissonData& data);
  void residual(Vec x, Vec f) override;
  void jacobian(Vec x, Mat jacobian) override;

  FeSpace space_;
  CellValues values_;
  Conductivity conductivity_;
  linear::PetscHandle<Mat, MatDestroy> jacobian_;
  linear::PetscHandle<Vec, VecDestroy> unknowns_;
  linear::NewtonSolver newton_;
  PointFunction source_;
  std::vector<double> boundary_, iterate_;
  linear::NewtonResult result_;
};

}  // namespace ff::fem
