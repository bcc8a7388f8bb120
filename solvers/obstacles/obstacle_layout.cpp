#include "solvers/obstacles/obstacle_layout.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

#include <algorithm>
#include <cmath>

namespace ff::obstacles {

namespace {

constexpr std::uint64_t kObstacleStream = 0x0b57ac1e;

template <class Inside>
void mark(CellGrid& grid, Inside&& inside) {
  for (long cell = 0; cell < grid.cells(); ++cell)
    if (inside(grid.centre(cell))) grid.set_solid(cell);
}

}  // namespace

void add_box(CellGrid& grid, const Box& box) {
  mark(grid, [&](const std::array<double, 3>& x) {
    for (int axis = 0; axis < grid.dim(); ++axis)
      if (x[axis] < box.lower[axis] || x[axis] > box.upper[axis]) return false;
    return true;
  });
}

void add_ball(CellGrid& grid, const Ball& ball) {
  mark(grid, [&](const std::array<double, 3>& x) {
    double r2 = 0;
    for (int axis = 0; axis < grid.dim(); ++axis) r2 += (x[axis] - ball.centre[axis]) * (x[axis] - ball.centre[axis]);
    return r2 <= ball.radius * ball.radius;
  });
}

int add_random_obstacles(CellGrid& grid, const RandomObstacles& options, PressureBoundary boundary, std::uint64_t seed,
                         std::uint64_t index) {
  FF_REQUIRE(options.solid_fraction >= 0 && options.solid_fraction <= 0.49, InputError,
             "obstacles.solid_fraction: expected a value in [0, 0.49], got {}", options.solid_fraction);
  FF_REQUIRE(0 < options.min_size && options.min_size <= options.max_size, InputError,
             "obstacles: need 0 < min_size <= max_size, got {} and {}", options.min_size, options.max_size);
  SampleRng rng(seed, kObstacleStream, index);
  const long target = std::lround(options.solid_fraction * grid.cells());
  int shapes = 0;
  // The bound guards against a fraction the shapes cannot reach (on a grid
  // too coarse, small shapes miss every cell centre).
  for (int attempt = 0; grid.solid_count() < target && attempt < 100000; ++attempt) {
    const double size = options.min_size + (options.max_size - options.min_size) * rng.uniform();
    std::array<double, 3> centre{0, 0, 0};
    centre[0] = options.clearance * rng.uniform();
    for (int axis = 1; axis < grid.dim(); ++axis) centre[axis] = rng.uniform();
    if (rng.uniform() < 0.5) {
      Box box;
      for (int axis = 0; axis < grid.dim(); ++axis) {
        const double half = 0.5 * size * (0.5 + rng.uniform());
        box.lower[axis] = centre[axis] - half;
        box.upper[axis] = centre[axis] + half;
      }
      box.upper[0] = std::min(box.upper[0], options.clearance);
      add_box(grid, box);
    } else {
      centre[0] = std::min(centre[0], options.clearance - 0.5 * size);
      add_ball(grid, {centre, 0.5 * size});
    }
    ++shapes;
  }
  fill_isolated_fluid(grid, boundary);
  return shapes;
}

}  // namespace ff::obstacles
