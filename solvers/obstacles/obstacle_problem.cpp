#include "solvers/obstacles/obstacle_problem.hpp"

namespace ff::obstacles {

OptionsSchema<ObstacleProblem> obstacle_problem_options() {
  OptionsSchema<RandomObstacles> shapes;
  shapes.key("solid_fraction", &RandomObstacles::solid_fraction, "fraction of the cells that are solid")
      .at_least(0)
      .at_most(0.49);
  shapes.key("min_size", &RandomObstacles::min_size, "smallest box edge or ball diameter, as a fraction of the box")
      .greater_than(0)
      .at_most(1);
  shapes.key("max_size", &RandomObstacles::max_size, "largest box edge or ball diameter").greater_than(0).at_most(1);
  shapes
      .key("clearance", &RandomObstacles::clearance,
           "shapes lie below this height along axis 0, so the open top stays open")
      .greater_than(0)
      .at_most(1);

  OptionsSchema<ObstacleProblem> o;
  o.key("dim", &ObstacleProblem::dim, "2 or 3").at_least(2).at_most(3);
  o.key("n", &ObstacleProblem::n, "cells per axis").at_least(4).at_most(1024).smoke(16);
  o.choice("boundary", &ObstacleProblem::boundary,
           {{"open_top", PressureBoundary::open_top}, {"pinned", PressureBoundary::pinned}},
           "p = 0 beyond the top face (axis 0) or in one pinned cell; walls and solids are no-flux");
  o.map("obstacles", &ObstacleProblem::obstacles, shapes, "random unions of boxes and balls");
  return o;
}

CellGrid obstacle_cells(const ObstacleProblem& problem, std::uint64_t seed, long layout) {
  CellGrid grid(static_cast<int>(problem.dim), problem.n);
  add_random_obstacles(grid, problem.obstacles, problem.boundary, seed, static_cast<std::uint64_t>(layout));
  return grid;
}

}  // namespace ff::obstacles
