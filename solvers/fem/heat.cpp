#include "solvers/fem/heat.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "solvers/fem/norms.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <cmath>
#include <set>

namespace ff::fem {

namespace {

int rule_degree(const HeatOptions& options) {
  return options.quadrature_degree >= 0 ? options.quadrature_degree : 2 * options.degree;
}

}  // namespace

FeSpaceOptions HeatSolver::space_options(const HeatOptions& options, const HeatProblem& problem) {
  FF_REQUIRE(options.theta >= 0 && options.theta <= 1, InputError, "theta must lie in [0, 1], got {}", options.theta);
  FF_REQUIRE(options.dt > 0 && std::isfinite(options.dt), InputError, "the time step must be > 0, got {}", options.dt);
  FeSpaceOptions space;
  space.degree = options.degree;
  space.dirichlet.emplace();  // only the Dirichlet parts are constrained, possibly none
  std::set<std::string> seen;
  for (const HeatBoundary& condition : problem.boundary) {
    FF_REQUIRE(seen.insert(condition.part).second, InputError, "boundary part '{}' is given two conditions",
               condition.part);
    FF_REQUIRE(condition.value, InputError, "boundary part '{}': its condition has no value", condition.part);
    if (condition.kind == BoundaryKind::robin)
      FF_REQUIRE(condition.h > 0, InputError, "boundary part '{}': the Robin coefficient h must be > 0, got {}",
                 condition.part, condition.h);
    if (condition.kind == BoundaryKind::dirichlet) space.dirichlet->push_back({condition.part, -1});
  }
  return space;
}

HeatSolver::HeatSolver(const Mesh& mesh, const HeatOptions& options, HeatProblem problem)
    : options_(options),
      problem_(std::move(problem)),
      space_(mesh, space_options(options_, problem_)),
      cells_(space_, gauss_rule(mesh.shape(), rule_degree(options_))),
      facets_(space_, rule_degree(options_)),
      matrix_(space_.create_matrix()),
      rhs_(space_.create_vector()),
      unknowns_(space_.create_vector()),
      krylov_(mesh.comm(), options_.solver),
      time_(options_.start_time) {
  for (const HeatBoundary& condition : problem_.boundary) {
    const bool dirichlet = condition.kind == BoundaryKind::dirichlet;
    dirichlet_dofs_.push_back(dirichlet ? space_.part_dofs(condition.part) : std::vector<long>{});
    flux_faces_.push_back(dirichlet ? std::vector<BoundaryFace>{} : boundary_faces(space_, condition.part));
    if (condition.kind == BoundaryKind::robin) {
      const double h = condition.h;
      flux_loads_.push_back([h, u_inf = condition.value](const double* x, double t) { return h * u_inf(x, t); });
    } else {
      flux_loads_.push_back(condition.value);
    }
  }
  solution_ = interpolate(space_, problem_.initial);
  const std::vector<double> boundary = dirichlet_values(time_);
  for (long dof = 0; dof < space_.local_size(); ++dof)
    if (space_.constrained(dof)) solution_[dof] = boundary[dof];
  assemble_matrix();
  krylov_.set_operator(matrix_);
}

// Dirichlet values at time t at the constrained local dofs (zero elsewhere).
std::vector<double> HeatSolver::dirichlet_values(double t) const {
  std::vector<double> values(space_.local_size(), 0.0);
  for (std::size_t k = 0; k < problem_.boundary.size(); ++k)
    for (long dof : dirichlet_dofs_[k]) values[dof] = problem_.boundary[k].value(space_.dof_coordinates(dof), t);
  return values;
}

// M + θΔt (K + R), once: the coefficients do not change in time.
void HeatSolver::assemble_matrix() {
  // The matrix side depends on no time: t0 = t1 here.
  ThetaStep step{options_.theta, options_.dt, time_, time_, nullptr};
  FF_PETSC(MatZeroEntries(matrix_));
  assemble(cells_, ThetaCellKernel(space_, problem_.capacity, problem_.conductivity, problem_.source, step),
           {matrix_, nullptr, nullptr});
  for (std::size_t k = 0; k < problem_.boundary.size(); ++k)
    if (problem_.boundary[k].kind == BoundaryKind::robin)
      assemble_boundary(facets_, flux_faces_[k], ThetaFaceKernel(space_, problem_.boundary[k].h, flux_loads_[k], step),
                        {matrix_, nullptr, nullptr});
}

void HeatSolver::assemble_right_hand_side(double next_time, const std::vector<double>& next_dirichlet) {
  ThetaStep step{options_.theta, options_.dt, time_, next_time, &solution_};
  FF_PETSC(VecSet(rhs_, 0.0));
  assemble(cells_, ThetaCellKernel(space_, problem_.capacity, problem_.conductivity, problem_.source, step),
           {nullptr, rhs_, &next_dirichlet});
  for (std::size_t k = 0; k < problem_.boundary.size(); ++k) {
    const HeatBoundary& condition = problem_.boundary[k];
    if (condition.kind == BoundaryKind::dirichlet) continue;
    const double h = condition.kind == BoundaryKind::robin ? condition.h : 0.0;
    assemble_boundary(facets_, flux_faces_[k], ThetaFaceKernel(space_, h, flux_loads_[k], step),
                      {nullptr, rhs_, &next_dirichlet});
  }
}

const linear::KrylovResult& HeatSolver::step() {
  // t_n = t_0 + n Δt, not a running sum, so long runs do not drift.
  const double next_time = options_.start_time + static_cast<double>(steps_ + 1) * options_.dt;
  const std::vector<double> next_dirichlet = dirichlet_values(next_time);
  assemble_right_hand_side(next_time, next_dirichlet);
  ScopedTimer timer("fem.heat_solve");
  FF_PETSC(VecSet(unknowns_, 0.0));
  result_ = krylov_.solve(rhs_, unknowns_);
  solution_ = space_.to_local(unknowns_, next_dirichlet);
  time_ = next_time;
  ++steps_;
  return result_;
}

}  // namespace ff::fem
