// A PressureLaplacian applied matrix-free to whole grids in LibTorch: x of
// shape [batch, 1, n, ..., n] (any dtype and device, values at solid cells
// ignored) to A x with zeros at solid cells. Differentiable, so training
// losses can contain A f(b). The assembled matrix (solvers/obstacles) and
// this operator agree to round-off (a test).
#pragma once

#include "solvers/obstacles/pressure_laplacian.hpp"

#include <torch/types.h>

#include <vector>

namespace ff::operators {

class GridLaplacian {
 public:
  GridLaplacian(const obstacles::PressureLaplacian& matrix, torch::Dtype dtype, torch::Device device);

  torch::Tensor apply(const torch::Tensor& x) const;

  int dimension() const { return dimension_; }
  const std::vector<long>& shape() const { return shape_; }  // [1, 1, n, ...]
  const torch::Tensor& fluid() const { return fluid_; }      // 1 at fluid cells, 0 at solid ones
  torch::Dtype dtype() const { return dtype_; }
  torch::Device device() const { return diagonal_.device(); }

  // Unknown vectors (fluid cells in cell order) <-> [1, 1, n...] grids.
  torch::Tensor to_grid(const std::vector<double>& unknowns) const;
  std::vector<double> to_unknowns(const torch::Tensor& grid) const;
  const torch::Tensor& fluid_cells() const { return fluid_cells_; }  // int64 flat cell index per unknown

 private:
  int dimension_;
  std::vector<long> shape_;
  torch::Dtype dtype_;
  torch::Tensor diagonal_, fluid_, fluid_cells_;
  std::vector<torch::Tensor> links_;  // per axis: 1 where a cell and its successor are both fluid
};

}  // namespace ff::operators
