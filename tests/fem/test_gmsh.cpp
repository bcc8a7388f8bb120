// Gmsh import: tests/data/meshes/unit_square.msh (scripts/write_gmsh_square.py)
// holds the very triangles of the 8 x 8 box mesh, so Poisson on either gives
// the same solution to round-off, with Dirichlet conditions on the whole
// boundary or on named sides (the file's physical groups, the box's own
// names). Bad files are InputErrors that name the file: missing, not Gmsh,
// the wrong version, mixed or unsupported elements, inverted elements (by
// their Gmsh tags); an unknown part name lists the parts there are.
#include "../unit/temp_dir.hpp"
#include "core/error.hpp"
#include "manufactured.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fem/mesh_gmsh.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <fstream>

namespace {

using namespace ff::fem;
namespace fs = std::filesystem;

const fs::path meshes = fs::path(FIELDFORGE_SOURCE_DIR) / "tests/data/meshes";

// The message of the ff::Error `action` throws, or "" if it throws none.
template <class F>
std::string error_of(F&& action) {
  try {
    action();
  } catch (const ff::InputError& e) {
    return std::string("InputError: ") + e.what();
  } catch (const ff::Error& e) {
    return std::string("Error: ") + e.what();
  }
  return "";
}

struct Block {
  int dim, type;
  std::vector<std::vector<long>> elements;  // 1-based node tags
};

// A Gmsh 4.1 ASCII file with one entity per dimension and no physical groups.
void write_msh(const fs::path& path, const std::vector<std::array<double, 3>>& nodes,
               const std::vector<Block>& blocks) {
  std::ofstream out(path);
  out << "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$Entities\n";
  int count[4] = {0, 0, 0, 0};
  for (const Block& b : blocks) count[b.dim] = 1;
  out << count[0] << " " << count[1] << " " << count[2] << " " << count[3] << "\n";
  if (count[0]) out << "1 0 0 0 0\n";
  for (int d = 1; d <= 3; ++d)
    if (count[d]) out << "1 0 0 0 1 1 1 0 0\n";
  const int top = blocks.back().dim;
  out << "$EndEntities\n$Nodes\n1 " << nodes.size() << " 1 " << nodes.size() << "\n"
      << top << " 1 0 " << nodes.size() << "\n";
  for (std::size_t k = 1; k <= nodes.size(); ++k) out << k << "\n";
  for (const auto& x : nodes) out << x[0] << " " << x[1] << " " << x[2] << "\n";
  long total = 0;
  for (const Block& b : blocks) total += static_cast<long>(b.elements.size());
  out << "$EndNodes\n$Elements\n" << blocks.size() << " " << total << " 1 " << total << "\n";
  long tag = 1;
  for (const Block& b : blocks) {
    out << b.dim << " 1 " << b.type << " " << b.elements.size() << "\n";
    for (const auto& element : b.elements) {
      out << tag++;
      for (long node : element) out << " " << node;
      out << "\n";
    }
  }
  out << "$EndElements\n";
}

Mesh unit_square_box(int n) {
  BoxMeshOptions options;
  options.cells = {n, n, 1};
  return Mesh::box(PETSC_COMM_SELF, options);
}

TEST(Gmsh, UnitSquareHasItsTrianglesAndNamedSides) {
  const Mesh mesh = Mesh::from_gmsh(PETSC_COMM_WORLD, meshes / "unit_square.msh");
  EXPECT_EQ(mesh.shape(), CellShape::triangle);
  EXPECT_EQ(mesh.global_cells(), 2 * 8 * 8);
  const std::map<std::string, int> expected{{"left", 1}, {"right", 2}, {"bottom", 3}, {"top", 4}};
  EXPECT_EQ(mesh.boundary_parts(), expected);
  EXPECT_EQ(gmsh_boundary_parts(meshes / "unit_square.msh"), expected);
}

TEST(Gmsh, EachSideHoldsItsNineVertices) {
  const Mesh mesh = Mesh::from_gmsh(PETSC_COMM_SELF, meshes / "unit_square.msh");
  const FeSpace space(mesh, 1);
  const std::map<std::string, std::pair<int, double>> sides{
      {"left", {0, 0.0}}, {"right", {0, 1.0}}, {"bottom", {1, 0.0}}, {"top", {1, 1.0}}};
  for (const auto& [name, plane] : sides) {
    const std::vector<long> dofs = space.part_dofs(name);
    EXPECT_EQ(dofs.size(), 9u) << name;
    for (long dof : dofs) EXPECT_EQ(space.dof_coordinates(dof)[plane.first], plane.second) << name;
  }
}

// u on the mesh's nodes (gathered, coordinate order) for the manufactured
// problem of manufactured.hpp, with u = g on `parts` (all of the boundary when empty).
struct Solution {
  ff::MeshInfo mesh;
  std::vector<double> u;
  ErrorNorms errors;
};

Solution solve(const Mesh& mesh, int degree, const std::vector<std::string>& parts) {
  PoissonOptions options;
  options.degree = degree;
  options.quadrature_degree = 2 * degree + 2;
  options.solver.rtol = 1e-13;
  if (!parts.empty()) {
    options.dirichlet.emplace();
    for (const auto& part : parts) options.dirichlet->push_back({part, -1});
  }
  PoissonSolver solver(mesh, options);
  PoissonData data;
  data.conductivity = [](const IntegrationPoint& p) { return 1 + p.x[0] * p.x[0]; };
  data.source = [](const IntegrationPoint& p) {
    double g[3];
    test::exact_gradient(p.x, 2, g);
    return (1 + p.x[0] * p.x[0]) * 2 * M_PI * M_PI * test::exact_u(p.x, 2) - 2 * p.x[0] * g[0];
  };
  data.boundary = [](const double* x) { return test::exact_u(x, 2); };
  solver.solve(data);
  Solution out;
  out.mesh = gather_mesh(solver.space());
  out.u = gather_nodal_field(solver.space(), solver.solution());
  out.errors = error_norms(
      solver.space(), solver.solution(), [](const double* x) { return test::exact_u(x, 2); },
      [](const double* x, double* g) { test::exact_gradient(x, 2, g); }, 2 * degree + 3);
  return out;
}

// Same triangles, same numbering by coordinates: the same linear system up
// to the order of its rows, solved to rtol 1e-13.
void expect_same_solution(int degree, const std::vector<std::string>& parts) {
  const Solution gmsh = solve(Mesh::from_gmsh(PETSC_COMM_SELF, meshes / "unit_square.msh"), degree, parts);
  const Solution box = solve(unit_square_box(8), degree, parts);
  ASSERT_EQ(gmsh.mesh.nodes, box.mesh.nodes);
  EXPECT_EQ(gmsh.mesh.cells.size(), box.mesh.cells.size());
  ASSERT_EQ(gmsh.u.size(), box.u.size());
  for (std::size_t k = 0; k < box.u.size(); ++k) EXPECT_NEAR(gmsh.u[k], box.u[k], 1e-11) << "node " << k;
  EXPECT_NEAR(gmsh.errors.l2, box.errors.l2, 1e-9 * box.errors.l2);
  EXPECT_NEAR(gmsh.errors.h1, box.errors.h1, 1e-9 * box.errors.h1);
}

TEST(Gmsh, PoissonOnTheFileEqualsTheBoxMeshP1) { expect_same_solution(1, {}); }
TEST(Gmsh, PoissonOnTheFileEqualsTheBoxMeshP2) { expect_same_solution(2, {}); }
// u = g on left/right only, a du/dn = 0 on bottom/top: the parts come from
// the file's physical groups on one mesh and from the box's sides on the other.
TEST(Gmsh, PoissonWithNamedSidesEqualsTheBoxMesh) { expect_same_solution(1, {"left", "right"}); }

// Run under `mpiexec -n 2` with the other Parallel.* tests: the file read on
// rank 0 and distributed, its parts carried along, gives the serial solution.
TEST(Parallel, DistributedGmshMeshGivesTheSerialSolution) {
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  const Solution distributed =
      solve(Mesh::from_gmsh(PETSC_COMM_WORLD, meshes / "unit_square.msh"), 1, {"left", "right"});
  const Solution serial = solve(Mesh::from_gmsh(PETSC_COMM_SELF, meshes / "unit_square.msh"), 1, {"left", "right"});
  EXPECT_NEAR(distributed.errors.l2, serial.errors.l2, 1e-9 * serial.errors.l2);
  if (rank != 0) return;
  ASSERT_EQ(distributed.u.size(), serial.u.size());
  for (std::size_t k = 0; k < serial.u.size(); ++k) EXPECT_NEAR(distributed.u[k], serial.u[k], 1e-11) << "node " << k;
}

TEST(Gmsh, UnknownPartNameListsTheMeshsParts) {
  const Mesh mesh = Mesh::from_gmsh(PETSC_COMM_SELF, meshes / "unit_square.msh");
  FeSpaceOptions options;
  options.dirichlet = std::vector<DirichletPart>{{"lft", -1}};
  const std::string message = error_of([&] { FeSpace space(mesh, options); });
  EXPECT_EQ(message.rfind("InputError", 0), 0u) << message;
  for (const char* name : {"lft", "left", "right", "bottom", "top"})
    EXPECT_NE(message.find(name), std::string::npos) << name << " missing in: " << message;
}

TEST(Gmsh, InvertedElementIsNamedByItsTag) {
  // 2 x 2 squares: 8 boundary lines (tags 1-8), then triangles 9-16; the
  // generator wrote the sixth triangle (tag 14) clockwise.
  const std::string message = error_of([] { Mesh::from_gmsh(PETSC_COMM_WORLD, meshes / "inverted_element.msh"); });
  EXPECT_EQ(message.rfind("InputError", 0), 0u) << message;
  EXPECT_NE(message.find("inverted_element.msh"), std::string::npos) << message;
  EXPECT_NE(message.find("1 inverted or degenerate element"), std::string::npos) << message;
  EXPECT_NE(message.find("element 14 is inverted"), std::string::npos) << message;
}

TEST(Gmsh, DegenerateElementIsNamedByItsTag) {
  ff::test::TempDir dir;
  // Two triangles of the unit square and a third with collinear corners.
  write_msh(dir / "flat.msh", {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {2, 0, 0}},
            {{2, 2, {{1, 2, 3}, {1, 3, 4}, {1, 2, 5}}}});
  const std::string message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "flat.msh"); });
  EXPECT_NE(message.find("element 3 is degenerate"), std::string::npos) << message;
}

TEST(Gmsh, QuadrangleMeshSolvesAsTheBoxMesh) {
  ff::test::TempDir dir;
  // 2 x 2 squares, counter-clockwise quadrangles.
  std::vector<std::array<double, 3>> nodes;
  for (int j = 0; j <= 2; ++j)
    for (int i = 0; i <= 2; ++i) nodes.push_back({i / 2.0, j / 2.0, 0});
  auto node = [](int i, int j) { return 1L + i + 3 * j; };
  Block quads{2, 3, {}};
  for (int j = 0; j < 2; ++j)
    for (int i = 0; i < 2; ++i)
      quads.elements.push_back({node(i, j), node(i + 1, j), node(i + 1, j + 1), node(i, j + 1)});
  write_msh(dir / "quads.msh", nodes, {quads});
  const Mesh mesh = Mesh::from_gmsh(PETSC_COMM_SELF, dir / "quads.msh");
  EXPECT_EQ(mesh.shape(), CellShape::quadrilateral);
  BoxMeshOptions options;
  options.cells = {2, 2, 1};
  options.simplex = false;
  const Solution gmsh = solve(mesh, 1, {}), box = solve(Mesh::box(PETSC_COMM_SELF, options), 1, {});
  ASSERT_EQ(gmsh.u.size(), box.u.size());
  for (std::size_t k = 0; k < box.u.size(); ++k) EXPECT_NEAR(gmsh.u[k], box.u[k], 1e-12) << "node " << k;
}

// The Kuhn tetrahedra of Mesh::box on 2 x 2 x 2 cubes, positively oriented
// as Gmsh writes them; with `invert` >= 0 that one written negatively.
void write_kuhn_cubes(const fs::path& path, int invert) {
  std::vector<std::array<double, 3>> nodes;
  for (int k = 0; k <= 2; ++k)
    for (int j = 0; j <= 2; ++j)
      for (int i = 0; i <= 2; ++i) nodes.push_back({i / 2.0, j / 2.0, k / 2.0});
  const int orders[6][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};
  Block tets{3, 4, {}};
  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 2; ++j)
      for (int i = 0; i < 2; ++i) {
        auto corner = [&](int bits) {
          return 1L + (i + (bits & 1)) + 3 * (j + ((bits >> 1) & 1)) + 9 * (k + ((bits >> 2) & 1));
        };
        for (int p = 0; p < 6; ++p) {
          // The path 0 -> e_a -> e_a + e_b -> 1 has the sign of the axis permutation.
          const int a = 1 << orders[p][0], b = a | (1 << orders[p][1]);
          const bool positive = (p < 3) != (static_cast<int>(tets.elements.size()) == invert);
          tets.elements.push_back(positive ? std::vector<long>{corner(0), corner(a), corner(b), corner(7)}
                                           : std::vector<long>{corner(0), corner(b), corner(a), corner(7)});
        }
      }
  write_msh(path, nodes, {tets});
}

TEST(Gmsh, TetrahedronMeshSolvesAsTheBoxMesh) {
  ff::test::TempDir dir;
  write_kuhn_cubes(dir / "tets.msh", -1);
  const Mesh mesh = Mesh::from_gmsh(PETSC_COMM_SELF, dir / "tets.msh");
  EXPECT_EQ(mesh.shape(), CellShape::tetrahedron);
  EXPECT_EQ(mesh.global_cells(), 48);
  BoxMeshOptions options;
  options.dim = 3;
  options.cells = {2, 2, 2};
  // P2: the 7 interior edge midpoints and the centre are unknowns.
  const auto solve_p2 = [](const Mesh& m) {
    PoissonOptions poisson;
    poisson.degree = 2;
    poisson.solver.rtol = 1e-13;
    PoissonSolver solver(m, poisson);
    PoissonData data;
    data.source = [](const IntegrationPoint& p) { return 1 + p.x[0] + 2 * p.x[2]; };
    solver.solve(data);
    return gather_nodal_field(solver.space(), solver.solution());
  };
  const std::vector<double> gmsh = solve_p2(mesh), box = solve_p2(Mesh::box(PETSC_COMM_SELF, options));
  ASSERT_EQ(gmsh.size(), box.size());
  double peak = 0;
  for (double v : box) peak = std::max(peak, std::abs(v));
  EXPECT_GT(peak, 0);
  for (std::size_t k = 0; k < box.size(); ++k) EXPECT_NEAR(gmsh[k], box[k], 1e-12 * peak) << "node " << k;
}

TEST(Gmsh, InvertedTetrahedronIsNamedByItsTag) {
  ff::test::TempDir dir;
  write_kuhn_cubes(dir / "tets.msh", 17);
  const std::string message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_SELF, dir / "tets.msh"); });
  EXPECT_NE(message.find("1 inverted or degenerate element (Gmsh element tags): element 18 is inverted"),
            std::string::npos)
      << message;
}

// Hexahedra are not checked on import: one folded through itself (its
// corner (1,1,1) pushed in to (0.2,0.2,0.2), where det J turns negative while
// it stays positive at the opposite corner) is caught by CellValues' Jacobian
// check when the system is assembled.
TEST(Gmsh, FoldedHexahedronFailsAtAssemblyWithTheJacobianCheck) {
  ff::test::TempDir dir;
  const std::vector<std::array<double, 3>> nodes{{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0},
                                                 {0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}};
  write_msh(dir / "good.msh", nodes, {{3, 5, {{1, 2, 3, 4, 5, 6, 7, 8}}}});
  const Mesh good = Mesh::from_gmsh(PETSC_COMM_SELF, dir / "good.msh");
  EXPECT_EQ(good.shape(), CellShape::hexahedron);
  EXPECT_NO_THROW(PoissonSolver(good, PoissonOptions{}).solve(PoissonData{}));

  std::vector<std::array<double, 3>> folded = nodes;
  folded[6] = {0.2, 0.2, 0.2};
  write_msh(dir / "folded.msh", folded, {{3, 5, {{1, 2, 3, 4, 5, 6, 7, 8}}}});
  const Mesh mesh = Mesh::from_gmsh(PETSC_COMM_SELF, dir / "folded.msh");
  const std::string message = error_of([&] { PoissonSolver(mesh, PoissonOptions{}).solve(PoissonData{}); });
  EXPECT_NE(message.find("cell 0 is inverted: det J changes sign inside it"), std::string::npos) << message;
}

TEST(Gmsh, MixedElementsAreAnInputError) {
  ff::test::TempDir dir;
  write_msh(dir / "mixed.msh", {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {2, 0, 0}, {2, 1, 0}},
            {{2, 2, {{1, 2, 3}, {1, 3, 4}}}, {2, 3, {{2, 5, 6, 3}}}});
  const std::string message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "mixed.msh"); });
  EXPECT_EQ(message.rfind("InputError", 0), 0u) << message;
  EXPECT_NE(message.find("mixed.msh"), std::string::npos) << message;
  EXPECT_NE(message.find("mixes 3-node triangle and 4-node quadrangle"), std::string::npos) << message;
}

TEST(Gmsh, SecondOrderElementsAreAnInputError) {
  ff::test::TempDir dir;
  write_msh(dir / "p2.msh", {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0.5, 0, 0}, {0.5, 0.5, 0}, {0, 0.5, 0}},
            {{2, 9, {{1, 2, 3, 4, 5, 6}}}});
  const std::string message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "p2.msh"); });
  EXPECT_NE(message.find("p2.msh"), std::string::npos) << message;
  EXPECT_NE(message.find("6-node triangle (second order) elements are not supported"), std::string::npos) << message;
}

TEST(Gmsh, MissingAndForeignFilesAreInputErrorsNamingTheFile) {
  ff::test::TempDir dir;
  std::string message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "none.msh"); });
  EXPECT_EQ(message.rfind("InputError", 0), 0u) << message;
  EXPECT_NE(message.find("none.msh: mesh file not found"), std::string::npos) << message;

  std::ofstream(dir / "text.msh") << "hello\n";
  message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "text.msh"); });
  EXPECT_NE(message.find("text.msh:1: not a Gmsh mesh"), std::string::npos) << message;

  std::ofstream(dir / "v2.msh") << "$MeshFormat\n2.2 0 8\n$EndMeshFormat\n";
  message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "v2.msh"); });
  EXPECT_NE(message.find("v2.msh:2: Gmsh format 2.2"), std::string::npos) << message;

  std::ofstream(dir / "cut.msh") << "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$Elements\n1 4 1 4\n2 1 2 4\n1 1 2 3\n";
  message = error_of([&] { Mesh::from_gmsh(PETSC_COMM_WORLD, dir / "cut.msh"); });
  EXPECT_NE(message.find("cut.msh:7: file ends inside $Elements"), std::string::npos) << message;
}

}  // namespace
