#include "solvers/obstacles/pressure_laplacian.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ff::obstacles {

namespace {

// Calls visit(neighbour) for the face neighbours of `cell` inside the box.
template <class Visit>
void for_each_neighbour(const CellGrid& grid, long cell, Visit&& visit) {
  const std::array<long, 3> ijk = grid.coordinates(cell);
  for (int axis = 0; axis < grid.dim(); ++axis) {
    if (ijk[axis] > 0) visit(cell - grid.stride(axis));
    if (ijk[axis] + 1 < grid.n()) visit(cell + grid.stride(axis));
  }
}

bool on_top(const CellGrid& grid, long cell) { return grid.coordinates(cell)[0] == grid.n() - 1; }

long first_fluid_cell(const CellGrid& grid) {
  for (long cell = 0; cell < grid.cells(); ++cell)
    if (!grid.solid(cell)) return cell;
  return -1;
}

// Fluid cells reachable from a Dirichlet face (1) or not (0); solids 0.
std::vector<std::uint8_t> reached_fluid(const CellGrid& grid, PressureBoundary boundary) {
  std::vector<std::uint8_t> reached(grid.cells(), 0);
  std::vector<long> front;
  auto seed = [&](long cell) {
    if (cell >= 0 && !grid.solid(cell) && !reached[cell]) {
      reached[cell] = 1;
      front.push_back(cell);
    }
  };
  if (boundary == PressureBoundary::pinned) {
    seed(first_fluid_cell(grid));
  } else {
    for (long cell = 0; cell < grid.cells(); ++cell)
      if (on_top(grid, cell)) seed(cell);
  }
  while (!front.empty()) {
    const long cell = front.back();
    front.pop_back();
    for_each_neighbour(grid, cell, seed);
  }
  return reached;
}

}  // namespace

std::string boundary_name(PressureBoundary boundary) {
  return boundary == PressureBoundary::open_top ? "open_top" : "pinned";
}

std::vector<std::vector<long>> isolated_fluid_regions(const CellGrid& grid, PressureBoundary boundary) {
  std::vector<std::uint8_t> seen = reached_fluid(grid, boundary);
  std::vector<std::vector<long>> regions;
  for (long start = 0; start < grid.cells(); ++start) {
    if (grid.solid(start) || seen[start]) continue;
    std::vector<long> region{start}, front{start};
    seen[start] = 1;
    while (!front.empty()) {
      const long cell = front.back();
      front.pop_back();
      for_each_neighbour(grid, cell, [&](long next) {
        if (grid.solid(next) || seen[next]) return;
        seen[next] = 1;
        region.push_back(next);
        front.push_back(next);
      });
    }
    regions.push_back(std::move(region));
  }
  std::sort(regions.begin(), regions.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return regions;
}

long fill_isolated_fluid(CellGrid& grid, PressureBoundary boundary) {
  long filled = 0;
  for (const auto& region : isolated_fluid_regions(grid, boundary)) {
    for (long cell : region) grid.set_solid(cell);
    filled += static_cast<long>(region.size());
  }
  return filled;
}

PressureLaplacian::PressureLaplacian(CellGrid grid, PressureBoundary boundary)
    : grid_(std::move(grid)), boundary_(boundary) {
  FF_REQUIRE(first_fluid_cell(grid_) >= 0, InputError, "obstacles: every cell is solid, there is no fluid to solve on");
  const auto isolated = isolated_fluid_regions(grid_, boundary_);
  if (!isolated.empty()) {
    const std::array<long, 3> at = grid_.coordinates(isolated.front().front());
    throw InputError(fmt::format(
        "obstacles: {} fluid region(s) are cut off from {} (the largest, {} cells, contains cell ({}, {}{}{})): "
        "their pressure is fixed only up to a constant; make them solid or connect them",
        isolated.size(), boundary_ == PressureBoundary::open_top ? "the open top" : "the pinned cell",
        isolated.front().size(), at[0], at[1], grid_.dim() == 3 ? ", " : "",
        grid_.dim() == 3 ? fmt::format("{}", at[2]) : std::string()));
  }

  unknown_of_cell_.assign(grid_.cells(), -1);
  for (long cell = 0; cell < grid_.cells(); ++cell)
    if (!grid_.solid(cell)) {
      unknown_of_cell_[cell] = static_cast<long>(cell_of_unknown_.size());
      cell_of_unknown_.push_back(cell);
    }

  const long pinned = boundary_ == PressureBoundary::pinned ? cell_of_unknown_.front() : -1;
  row_start_.reserve(size() + 1);
  row_start_.push_back(0);
  std::vector<std::pair<long, double>> row;
  for (long cell : cell_of_unknown_) {
    row.clear();
    double diagonal = (cell == pinned) ? 1.0 : 0.0;
    if (boundary_ == PressureBoundary::open_top && on_top(grid_, cell)) diagonal += 1.0;
    for_each_neighbour(grid_, cell, [&](long next) {
      if (grid_.solid(next)) return;
      diagonal += 1.0;
      row.emplace_back(unknown_of_cell_[next], -1.0);
    });
    row.emplace_back(unknown_of_cell_[cell], diagonal);
    std::sort(row.begin(), row.end());
    for (const auto& [column, value] : row) {
      columns_.push_back(column);
      values_.push_back(value);
    }
    row_start_.push_back(static_cast<long>(columns_.size()));
  }
}

void PressureLaplacian::apply(const double* x, double* y) const {
  for (long i = 0; i < size(); ++i) {
    double sum = 0;
    for (long k = row_start_[i]; k < row_start_[i + 1]; ++k) sum += values_[k] * x[columns_[k]];
    y[i] = sum;
  }
}

std::vector<double> PressureLaplacian::cell_diagonal() const {
  std::vector<double> diagonal(grid_.cells(), 0.0);
  for (long i = 0; i < size(); ++i)
    for (long k = row_start_[i]; k < row_start_[i + 1]; ++k)
      if (columns_[k] == i) diagonal[cell_of_unknown_[i]] = values_[k];
  return diagonal;
}

std::vector<std::uint8_t> PressureLaplacian::links(int axis) const {
  std::vector<std::uint8_t> link(grid_.cells(), 0);
  for (long cell : cell_of_unknown_)
    if (grid_.coordinates(cell)[axis] + 1 < grid_.n() && !grid_.solid(cell + grid_.stride(axis))) link[cell] = 1;
  return link;
}

std::vector<double> PressureLaplacian::to_cells(const std::vector<double>& unknowns) const {
  std::vector<double> cells(grid_.cells(), 0.0);
  for (long i = 0; i < size(); ++i) cells[cell_of_unknown_[i]] = unknowns[i];
  return cells;
}

std::vector<double> PressureLaplacian::to_unknowns(const std::vector<double>& cells) const {
  std::vector<double> unknowns(size());
  for (long i = 0; i < size(); ++i) unknowns[i] = cells[cell_of_unknown_[i]];
  return unknowns;
}

}  // namespace ff::obstacles
