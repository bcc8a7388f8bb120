// The finite-volume pressure Laplacian of incompressible flow on the fluid
// cells of a CellGrid, multiplied by h² so its entries are integers: per
// fluid cell, +1 on the diagonal and −1 off it for every face shared with
// another fluid cell; faces on solids and on the walls of the box are
// homogeneous Neumann (no entry). The pressure is fixed either on the open
// top (the upper face of axis 0: the cell beyond it holds p = 0, so the
// face adds 1 to the diagonal, as in smoke-plume codes) or in one pinned
// cell (the first fluid cell gets 1 added to its diagonal).
//
// The matrix is symmetric positive definite when every fluid region reaches
// a Dirichlet face; the constructor checks that and otherwise throws an
// InputError naming the region, since its pressure would be determined only
// up to a constant. Unknowns are the fluid cells in cell order.
#pragma once

#include "solvers/obstacles/cell_grid.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ff::obstacles {

enum class PressureBoundary { open_top, pinned };

class PressureLaplacian {
 public:
  PressureLaplacian(CellGrid grid, PressureBoundary boundary);

  const CellGrid& grid() const { return grid_; }
  PressureBoundary boundary() const { return boundary_; }
  long size() const { return static_cast<long>(cell_of_unknown_.size()); }
  long nonzeros() const { return static_cast<long>(columns_.size()); }

  const std::vector<long>& cell_of_unknown() const { return cell_of_unknown_; }
  const std::vector<long>& unknown_of_cell() const { return unknown_of_cell_; }  // −1 at solid cells

  // Compressed rows over the unknowns, columns sorted within a row.
  const std::vector<long>& row_start() const { return row_start_; }
  const std::vector<long>& columns() const { return columns_; }
  const std::vector<double>& values() const { return values_; }

  // y = A x on unknown vectors.
  void apply(const double* x, double* y) const;

  // The same operator per cell, for matrix-free use on whole grids: the
  // diagonal (0 at solid cells) and, per axis, 1 where a cell and its
  // successor along the axis are both fluid (the −1 couplings).
  std::vector<double> cell_diagonal() const;
  std::vector<std::uint8_t> links(int axis) const;

  // Unknown vector <-> cell array (solid cells 0).
  std::vector<double> to_cells(const std::vector<double>& unknowns) const;
  std::vector<double> to_unknowns(const std::vector<double>& cells) const;

 private:
  CellGrid grid_;
  PressureBoundary boundary_;
  std::vector<long> cell_of_unknown_, unknown_of_cell_;
  std::vector<long> row_start_, columns_;
  std::vector<double> values_;
};

// Fluid cells that reach no Dirichlet face through other fluid cells, as
// connected regions (each a list of cells), largest first.
std::vector<std::vector<long>> isolated_fluid_regions(const CellGrid& grid, PressureBoundary boundary);

// Makes every isolated fluid region solid (obstacle generators use it, so
// random unions never enclose a pocket of fluid); returns the cells filled.
long fill_isolated_fluid(CellGrid& grid, PressureBoundary boundary);

std::string boundary_name(PressureBoundary boundary);

}  // namespace ff::obstacles
