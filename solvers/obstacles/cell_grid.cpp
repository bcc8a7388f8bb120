#include "solvers/obstacles/cell_grid.hpp"

#include "core/error.hpp"

#include <algorithm>

namespace ff::obstacles {

CellGrid::CellGrid(int dim, long n) : dim_(dim), n_(n) {
  FF_REQUIRE(dim == 2 || dim == 3, InputError, "grid: dimension must be 2 or 3, got {}", dim);
  FF_REQUIRE(n >= 2, InputError, "grid: at least 2 cells per axis, got {}", n);
  long size = 1;
  for (int axis = dim - 1; axis >= 0; --axis) {
    strides_[axis] = size;
    size *= n;
  }
  solid_.assign(size, 0);
}

long CellGrid::solid_count() const { return std::count(solid_.begin(), solid_.end(), 1); }

long CellGrid::index(const std::array<long, 3>& ijk) const {
  long cell = 0;
  for (int axis = 0; axis < dim_; ++axis) cell += ijk[axis] * strides_[axis];
  return cell;
}

std::array<long, 3> CellGrid::coordinates(long cell) const {
  std::array<long, 3> ijk{0, 0, 0};
  for (int axis = 0; axis < dim_; ++axis) {
    ijk[axis] = cell / strides_[axis];
    cell %= strides_[axis];
  }
  return ijk;
}

std::array<double, 3> CellGrid::centre(long cell) const {
  const std::array<long, 3> ijk = coordinates(cell);
  std::array<double, 3> x{0, 0, 0};
  for (int axis = 0; axis < dim_; ++axis) x[axis] = (ijk[axis] + 0.5) / n_;
  return x;
}

}  // namespace ff::obstacles
