// A uniform cell grid of n^dim cells on the unit box with a solid/fluid
// flag per cell: the geometry of the pressure Poisson problems of
// incompressible flow past obstacles. Cells are numbered in C order (the
// last axis fastest), the order of a LibTorch tensor of shape [n, ..., n];
// axis 0 is the vertical one, so its upper face is the "top".
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace ff::obstacles {

class CellGrid {
 public:
  // All cells fluid. `dim` is 2 or 3, `n` >= 2 (InputError otherwise).
  CellGrid(int dim, long n);

  int dim() const { return dim_; }
  long n() const { return n_; }
  long cells() const { return static_cast<long>(solid_.size()); }
  std::vector<long> shape() const { return std::vector<long>(dim_, n_); }

  bool solid(long cell) const { return solid_[cell] != 0; }
  void set_solid(long cell, bool value = true) { solid_[cell] = value ? 1 : 0; }
  const std::vector<std::uint8_t>& solid_flags() const { return solid_; }
  long solid_count() const;

  // Cell index <-> integer coordinates (unused trailing entries are 0).
  long index(const std::array<long, 3>& ijk) const;
  std::array<long, 3> coordinates(long cell) const;
  // The centre of a cell in [0,1]^dim.
  std::array<double, 3> centre(long cell) const;
  // Stride of `axis` in the cell numbering.
  long stride(int axis) const { return strides_[axis]; }

 private:
  int dim_;
  long n_;
  std::array<long, 3> strides_{0, 0, 0};
  std::vector<std::uint8_t> solid_;
};

}  // namespace ff::obstacles
