// Newton's method with a PETSc SNES (line-search Newton by default). The
// settings come from NewtonOptions and go into the options database under
// its prefix; the command line after `--` overrides them (options_scope.hpp),
// so `-snes_monitor -snes_linesearch_type basic -snes_test_jacobian` work
// for every stage, and `-conduction_snes_monitor` for the stage `conduction`
// alone (NewtonOptions::prefix "conduction_"). A solve that does not converge
// is a RunError naming SNES's reason, the iterations and the residual norm.
//
// The problem gives its residual F(x) and Jacobian F'(x) on global vectors;
// the residual norm of every iteration is recorded, so callers can log the
// convergence and tests can check that it is quadratic.
#pragma once

#include "solvers/linear/newton_options.hpp"
#include "solvers/linear/petsc_handle.hpp"

#include <petscsnes.h>

namespace ff::linear {

class NonlinearProblem {
 public:
  virtual ~NonlinearProblem() = default;
  // f = F(x), overwriting f.
  virtual void residual(Vec x, Vec f) = 0;
  // jacobian = F'(x), overwriting its values (its nonzero pattern is kept).
  virtual void jacobian(Vec x, Mat jacobian) = 0;
};

class NewtonSolver {
 public:
  NewtonSolver(MPI_Comm comm, NewtonOptions options);

  // Solves F(x) = 0 from the initial guess in x; `jacobian` is the matrix the
  // problem assembles F' into. Throws RunError unless converged (errors the
  // problem throws while SNES runs come out unchanged).
  NewtonResult solve(NonlinearProblem& problem, Mat jacobian, Vec x);

  // ‖J − J_fd‖_F / ‖J‖_F at x: the problem's Jacobian against PETSc's
  // finite-difference one (SNESComputeJacobianDefault, one residual per
  // column, so only for small systems), the figure -snes_test_jacobian prints.
  // Differencing with step √ε |x_j| limits the agreement of a correct
  // Jacobian to about 1e-7.
  double jacobian_difference(NonlinearProblem& problem, Mat jacobian, Vec x);

 private:
  MPI_Comm comm_;
  NewtonOptions options_;
};

}  // namespace ff::linear
