// One pressure Poisson problem with obstacles as a case file describes it:
// the grid, the Dirichlet boundary and a random obstacle layout picked by
// its index, so that training and solve stages name layouts (layout 0 to
// train on, others unseen) and every run draws the same cells.
#pragma once

#include "io/options.hpp"
#include "solvers/obstacles/obstacle_layout.hpp"
#include "solvers/obstacles/pressure_laplacian.hpp"

#include <cstdint>

namespace ff::obstacles {

struct ObstacleProblem {
  long dim = 3;
  long n = 64;
  PressureBoundary boundary = PressureBoundary::open_top;
  RandomObstacles obstacles;
};

// The keys `dim`, `n`, `boundary` and `obstacles: {solid_fraction, min_size,
// max_size, clearance}` (a map, o.map("problem", ...)).
OptionsSchema<ObstacleProblem> obstacle_problem_options();

// The cells of random layout `layout` (seeded by `seed`).
CellGrid obstacle_cells(const ObstacleProblem& problem, std::uint64_t seed, long layout);

}  // namespace ff::obstacles
