#include "operators/dcdm/grid_laplacian.hpp"

#include "core/error.hpp"

#include <torch/torch.h>

namespace ff::operators {

namespace {

torch::Tensor grid_tensor(const std::vector<double>& values, const std::vector<long>& shape, torch::Dtype dtype,
                          torch::Device device) {
  // clone(): the tensor must own its values, which `to` would alias for float64 on the CPU.
  return torch::from_blob(const_cast<double*>(values.data()), shape, torch::kFloat64).clone().to(device, dtype);
}

// `t` shifted by one cell along tensor dimension `dim`: towards higher
// indices when `up`, with a zero entering at the far end.
torch::Tensor shifted(const torch::Tensor& t, int64_t dim, bool up) {
  const int64_t n = t.size(dim);
  torch::Tensor zero = torch::zeros_like(t.narrow(dim, 0, 1));
  return up ? torch::cat({zero, t.narrow(dim, 0, n - 1)}, dim) : torch::cat({t.narrow(dim, 1, n - 1), zero}, dim);
}

}  // namespace

GridLaplacian::GridLaplacian(const obstacles::PressureLaplacian& matrix, torch::Dtype dtype, torch::Device device)
    : dimension_(matrix.grid().dim()), dtype_(dtype) {
  shape_ = {1, 1};
  for (int axis = 0; axis < dimension_; ++axis) shape_.push_back(matrix.grid().n());
  diagonal_ = grid_tensor(matrix.cell_diagonal(), shape_, dtype, device);
  std::vector<double> fluid(matrix.grid().cells());
  for (long cell = 0; cell < matrix.grid().cells(); ++cell) fluid[cell] = matrix.grid().solid(cell) ? 0.0 : 1.0;
  fluid_ = grid_tensor(fluid, shape_, dtype, device);
  for (int axis = 0; axis < dimension_; ++axis) {
    const std::vector<std::uint8_t> link = matrix.links(axis);
    links_.push_back(grid_tensor(std::vector<double>(link.begin(), link.end()), shape_, dtype, device));
  }
  fluid_cells_ = torch::tensor(std::vector<int64_t>(matrix.cell_of_unknown().begin(), matrix.cell_of_unknown().end()),
                               torch::kInt64)
                     .to(device);
}

torch::Tensor GridLaplacian::apply(const torch::Tensor& x) const {
  FF_REQUIRE(x.dim() == dimension_ + 2 && x.size(1) == 1, InputError,
             "DCDM: a {}D pressure problem takes grids [batch, 1, {} x n], got a tensor of {} dimensions", dimension_,
             dimension_, x.dim());
  for (int axis = 0; axis < dimension_; ++axis)
    FF_REQUIRE(x.size(2 + axis) == shape_[2 + axis], InputError, "DCDM: grid of {} cells along axis {}, expected {}",
               x.size(2 + axis), axis, shape_[2 + axis]);
  torch::Tensor y = diagonal_ * x;
  for (int axis = 0; axis < dimension_; ++axis) {
    const int64_t dim = 2 + axis;
    // Cell c couples to c + e with weight links(c): −x(c + e) in row c, −x(c) in row c + e.
    y = y - links_[axis] * shifted(x, dim, false) - shifted(links_[axis] * x, dim, true);
  }
  return y;
}

torch::Tensor GridLaplacian::to_grid(const std::vector<double>& unknowns) const {
  FF_REQUIRE(static_cast<int64_t>(unknowns.size()) == fluid_cells_.numel(), InputError,
             "DCDM: a vector of {} entries for a problem of {} unknowns", unknowns.size(), fluid_cells_.numel());
  torch::Tensor values =
      torch::from_blob(const_cast<double*>(unknowns.data()), {fluid_cells_.numel()}, torch::kFloat64).to(device());
  torch::Tensor grid = torch::zeros(shape_, torch::TensorOptions().dtype(torch::kFloat64).device(device()));
  grid.view(-1).index_copy_(0, fluid_cells_, values);
  return grid;
}

std::vector<double> GridLaplacian::to_unknowns(const torch::Tensor& grid) const {
  torch::Tensor values = grid.reshape(-1).index_select(0, fluid_cells_).to(torch::kCPU, torch::kFloat64).contiguous();
  return std::vector<double>(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
}

}  // namespace ff::operators
