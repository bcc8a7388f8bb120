// The heat equation with Lagrange elements and the θ-scheme:
//   c ∂u/∂t − ∇·(k∇u) = f(x, t) in Ω,   u(x, 0) = u0(x),
// and on each named boundary part (Mesh::boundary_parts()) one of
//   Dirichlet  u = g(x, t),
//   Neumann    k ∂u/∂n = q(x, t)              (q > 0 heats: the flux into the body),
//   Robin      k ∂u/∂n = h (u_inf(x, t) − u)  (Newton cooling towards u_inf);
// parts given no condition are insulated (k ∂u/∂n = 0).
//
// With M the capacity mass matrix, A = K + R the stiffness plus the Robin
// mass, and F(t) the source, Neumann and Robin loads, each step solves
//   (M + θΔt A) u^(n+1) = (M − (1−θ)Δt A) u^n + Δt (θ F(t_(n+1)) + (1−θ) F(t_n)):
// θ = 1/2 is Crank–Nicolson (second order in time), θ = 1 backward Euler
// (first order, damps every mode). Dirichlet values enter at both time
// levels (heat_kernels.hpp). Coefficients and h do not depend on time, so the
// matrix and its preconditioner are built once and reused by every step.
#pragma once

#include "solvers/fem/cell_values.hpp"
#include "solvers/fem/facet_values.hpp"
#include "solvers/fem/heat_kernels.hpp"
#include "solvers/linear/krylov.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ff::fem {

enum class BoundaryKind { dirichlet, neumann, robin };

struct HeatBoundary {
  std::string part;  // a name of Mesh::boundary_parts()
  BoundaryKind kind = BoundaryKind::neumann;
  SpaceTimeFunction value;  // g (Dirichlet), q (Neumann) or u_inf (Robin)
  double h = 0;             // Robin: heat-transfer coefficient, > 0
};

struct HeatProblem {
  PointFunction conductivity = [](const IntegrationPoint&) { return 1.0; };  // k > 0
  PointFunction capacity = [](const IntegrationPoint&) { return 1.0; };      // c > 0 (ρ c_p)
  SpaceTimeFunction source = [](const double*, double) { return 0.0; };
  std::function<double(const double* x)> initial = [](const double*) { return 0.0; };
  std::vector<HeatBoundary> boundary;  // at most one condition per part
};

struct HeatOptions {
  int degree = 1;              // P1/Q1, or P2 on simplices
  int quadrature_degree = -1;  // exactness of the cell and face rules; -1: 2 x degree
  double theta = 0.5;          // in [0, 1]; unconditionally stable for θ >= 1/2
  double dt = 0.01;
  double start_time = 0;
  linear::KrylovOptions solver;
};

class HeatSolver {
 public:
  // Builds the space (Dirichlet dofs on the Dirichlet parts), sets u0 and
  // assembles the matrix. InputError for an unknown part name, a part given
  // two conditions, or θ, Δt or h out of range.
  HeatSolver(const Mesh& mesh, const HeatOptions& options, HeatProblem problem);
  // The value and facet tables refer to the solver's own space: not copied or moved.
  HeatSolver(const HeatSolver&) = delete;
  HeatSolver& operator=(const HeatSolver&) = delete;

  // Advances the solution by one step of Δt. RunError when the Krylov solve
  // does not converge.
  const linear::KrylovResult& step();

  double time() const { return time_; }
  const FeSpace& space() const { return space_; }
  // The solution at time() at this rank's local dofs, Dirichlet values included.
  const std::vector<double>& solution() const { return solution_; }
  const linear::KrylovResult& result() const { return result_; }  // of the last step

 private:
  // Checks options and conditions, before anything is built.
  static FeSpaceOptions space_options(const HeatOptions& options, const HeatProblem& problem);
  std::vector<double> dirichlet_values(double t) const;
  void assemble_matrix();
  void assemble_right_hand_side(double next_time, const std::vector<double>& next_dirichlet);

  HeatOptions options_;
  HeatProblem problem_;
  FeSpace space_;
  CellValues cells_;
  FacetValues facets_;
  std::vector<std::vector<long>> dirichlet_dofs_;      // per condition (empty unless Dirichlet)
  std::vector<std::vector<BoundaryFace>> flux_faces_;  // per condition (empty for Dirichlet)
  std::vector<SpaceTimeFunction> flux_loads_;          // per condition: q, or h u_inf
  linear::PetscHandle<Mat, MatDestroy> matrix_;
  linear::PetscHandle<Vec, VecDestroy> rhs_, unknowns_;
  linear::KrylovSolver krylov_;
  std::vector<double> solution_;
  double time_ = 0;
  long steps_ = 0;
  linear::KrylovResult result_;
};

}  // namespace ff::fem
