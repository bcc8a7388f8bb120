// gather_mesh / gather_nodal_field: the nodes of a box mesh come out in
// lattice order, cells are valid polygons covering the domain once, P2 adds
// the edge midpoints, and (Parallel.*, run under `mpiexec -n 2`) a
// distributed space gives exactly the serial space's nodes and cells.
#include "core/error.hpp"
#include "manufactured.hpp"
#include "solvers/fem/mesh_export.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

namespace {

using namespace ff::fem;

Mesh unit_square(MPI_Comm comm, int nx, int ny, bool simplex) {
  BoxMeshOptions options;
  options.cells = {nx, ny, 1};
  options.simplex = simplex;
  return Mesh::box(comm, options);
}

// Signed area of polygon `cell` (shoelace formula).
double polygon_area(const ff::MeshInfo& mesh, long cell) {
  double twice = 0;
  const int n = mesh.nodes_per_cell;
  for (int k = 0; k < n; ++k) {
    const double* a = &mesh.nodes[2 * mesh.cells[cell * n + k]];
    const double* b = &mesh.nodes[2 * mesh.cells[cell * n + (k + 1) % n]];
    twice += a[0] * b[1] - a[1] * b[0];
  }
  return 0.5 * twice;
}

TEST(MeshExport, BoxNodesComeInLatticeOrder) {
  const Mesh mesh = unit_square(PETSC_COMM_SELF, 3, 2, true);
  const FeSpace space(mesh, 1);
  const ff::MeshInfo info = gather_mesh(space);
  ASSERT_EQ(info.dim, 2);
  ASSERT_EQ(info.nodes.size(), 2u * 4 * 3);
  for (int i = 0; i <= 3; ++i)
    for (int j = 0; j <= 2; ++j) {
      EXPECT_DOUBLE_EQ(info.nodes[2 * (i * 3 + j)], i / 3.0);
      EXPECT_DOUBLE_EQ(info.nodes[2 * (i * 3 + j) + 1], j / 2.0);
    }
  EXPECT_EQ(info.cell_type, "triangle");
  EXPECT_EQ(info.nodes_per_cell, 3);
  EXPECT_EQ(info.cells.size(), 3u * 12);
}

// Every cell is a simple polygon of area 1/(cells), so they tile the square.
void expect_cells_tile_square(bool simplex) {
  const Mesh mesh = unit_square(PETSC_COMM_SELF, 4, 3, simplex);
  const ff::MeshInfo info = gather_mesh(FeSpace(mesh, 1));
  const long n_cells = static_cast<long>(info.cells.size()) / info.nodes_per_cell;
  ASSERT_EQ(n_cells, simplex ? 24 : 12);
  double total = 0;
  for (long c = 0; c < n_cells; ++c) {
    // A quadrilateral whose corners are out of order crosses itself and its
    // shoelace area drops below the cell's.
    EXPECT_NEAR(std::abs(polygon_area(info, c)), 1.0 / n_cells, 1e-14) << "cell " << c;
    total += std::abs(polygon_area(info, c));
  }
  EXPECT_NEAR(total, 1.0, 1e-13);
}

TEST(MeshExport, TriangleCellsTileTheDomain) { expect_cells_tile_square(true); }
TEST(MeshExport, QuadrilateralCellsAreCounterClockwiseOrClockwisePolygons) { expect_cells_tile_square(false); }

TEST(MeshExport, P2NodesAddEdgeMidpointsAndCarryTheField) {
  const Mesh mesh = unit_square(PETSC_COMM_SELF, 3, 2, true);
  const FeSpace space(mesh, 2);
  const ff::MeshInfo info = gather_mesh(space);
  // 12 vertices, 9 horizontal + 8 vertical + 6 diagonal edges.
  ASSERT_EQ(info.nodes.size() / 2, 12u + 23u);
  EXPECT_EQ(info.nodes_per_cell, 3);  // linear cells on the corners
  std::vector<double> x_plus_2y(space.local_size());
  for (long dof = 0; dof < space.local_size(); ++dof)
    x_plus_2y[dof] = space.dof_coordinates(dof)[0] + 2 * space.dof_coordinates(dof)[1];
  const std::vector<double> field = gather_nodal_field(space, x_plus_2y);
  ASSERT_EQ(field.size(), info.nodes.size() / 2);
  for (std::size_t k = 0; k < field.size(); ++k)
    EXPECT_DOUBLE_EQ(field[k], info.nodes[2 * k] + 2 * info.nodes[2 * k + 1]);
}

TEST(MeshExport, WrongFieldSizeIsAnError) {
  const Mesh mesh = unit_square(PETSC_COMM_SELF, 2, 2, true);
  const FeSpace space(mesh, 1);
  EXPECT_THROW(gather_nodal_field(space, std::vector<double>(3)), ff::RunError);
}

// Nodes and cells are numbered from coordinates alone: the distributed mesh
// gathers to exactly the serial one, and the solution to the serial one up to
// the solver tolerance.
void expect_export_equals_serial(const test::Study& study, int n) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  auto export_solution = [&](MPI_Comm comm, ff::MeshInfo& info, std::vector<double>& u) {
    const Mesh mesh = test::unit_box(comm, study.dim, study.simplex, n);
    PoissonOptions poisson;
    poisson.degree = study.degree;
    poisson.solver.rtol = 1e-12;
    PoissonSolver solver(mesh, poisson);
    PoissonData data;
    data.source = [](const IntegrationPoint& p) { return 1 + p.x[0]; };
    solver.solve(data);
    info = gather_mesh(solver.space());
    u = gather_nodal_field(solver.space(), solver.solution());
  };
  ff::MeshInfo distributed, serial;
  std::vector<double> u_distributed, u_serial;
  export_solution(PETSC_COMM_WORLD, distributed, u_distributed);
  export_solution(PETSC_COMM_SELF, serial, u_serial);
  if (rank != 0) {
    EXPECT_TRUE(distributed.nodes.empty());
    EXPECT_TRUE(u_distributed.empty());
    return;
  }
  EXPECT_EQ(distributed.nodes, serial.nodes);
  EXPECT_EQ(distributed.cells, serial.cells);
  ASSERT_EQ(u_distributed.size(), u_serial.size());
  double peak = 0;
  for (double v : u_serial) peak = std::max(peak, std::abs(v));
  for (std::size_t k = 0; k < u_serial.size(); ++k)
    EXPECT_NEAR(u_distributed[k], u_serial[k], 1e-9 * peak) << "node " << k;
}

TEST(Parallel, GatheredP1MeshAndFieldEqualSerial) { expect_export_equals_serial({2, true, 1}, 12); }
TEST(Parallel, GatheredP2MeshAndFieldEqualSerial) { expect_export_equals_serial({2, true, 2}, 6); }
TEST(Parallel, GatheredHexMeshAndFieldEqualSerial) { expect_export_equals_serial({3, false, 1}, 4); }

}  // namespace
