// Solid obstacles on a CellGrid: boxes and spheres given explicitly, or
// seeded random unions of both filled up to a target solid fraction. A cell
// is solid when its centre lies inside a shape.
#pragma once

#include "solvers/obstacles/cell_grid.hpp"
#include "solvers/obstacles/pressure_laplacian.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace ff::obstacles {

struct Box {
  std::array<double, 3> lower{0, 0, 0}, upper{0, 0, 0};
};

struct Ball {
  std::array<double, 3> centre{0, 0, 0};
  double radius = 0;
};

// A random union of boxes and balls: shapes are drawn (half boxes, half
// balls, sizes uniform in [min_size, max_size] of the box, every shape
// below the height `clearance` along axis 0 so the open top stays open)
// until the solid fraction of the grid reaches `solid_fraction`.
struct RandomObstacles {
  double solid_fraction = 0.09;
  double min_size = 0.08;
  double max_size = 0.25;
  double clearance = 0.85;
};

void add_box(CellGrid& grid, const Box& box);
void add_ball(CellGrid& grid, const Ball& ball);

// Adds random shapes drawn from the stream (seed, stream, index) to `grid`,
// then makes fluid pockets cut off from the Dirichlet boundary solid.
// Returns the number of shapes drawn.
int add_random_obstacles(CellGrid& grid, const RandomObstacles& options, PressureBoundary boundary, std::uint64_t seed,
                         std::uint64_t index);

}  // namespace ff::obstacles
