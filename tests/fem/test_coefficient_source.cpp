// Coefficients of solve.poisson at a space's dofs: a GRF on a box mesh whose
// vertices are the GRF's grid points takes the grid values there (and the
// box's opposite sides the same, periodic, values); a nodal field written
// to a mesh dataset comes back at the same vertices, and at P2 edge
// midpoints as the mean of their ends, unless the file (a P2 output) has
// the midpoints as nodes: then with their own values.
#include "../unit/temp_dir.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/rng.hpp"
#include "solvers/fem/coefficient_source.hpp"
#include "solvers/fem/fe_space.hpp"
#include "solvers/fem/mesh_export.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

namespace {

using namespace ff::fem;

Mesh square(int n) {
  BoxMeshOptions options;
  options.cells = {n, n, 1};
  return Mesh::box(PETSC_COMM_SELF, options);
}

CoefficientDraw draw_in(const ff::test::TempDir& dir) {
  CoefficientDraw draw;
  draw.stream = "coefficient";
  draw.wisdom_file = dir / "fftw_wisdom";
  draw.seed = 7;
  return draw;
}

TEST(CoefficientSource, GrfTakesTheGridValuesAtCoincidingVertices) {
  const int n = 16;
  const Mesh mesh = square(n);
  const FeSpace space(mesh, 1);
  ff::test::TempDir dir;
  const CoefficientDraw draw = draw_in(dir);
  CoefficientSource source;
  source.kind = CoefficientSource::Kind::grf;
  source.grf.n = n;
  source.exponentiate = true;
  const std::vector<double> a = coefficient_at_dofs(space, source, draw);

  // The same draw as the stage's: its seed, a stream from its name, sample 0.
  ff::spectral::GaussianRandomField grf(source.grf);
  ff::SampleRng rng(draw.seed, ff::fnv1a64(draw.stream), 0);
  std::vector<double> field(grf.size());
  grf.sample(rng, field.data());
  for (long dof = 0; dof < space.local_size(); ++dof) {
    const long i = std::lround(space.dof_coordinates(dof)[0] * n) % n,
               j = std::lround(space.dof_coordinates(dof)[1] * n) % n;
    EXPECT_NEAR(a[dof], std::exp(field[i * n + j]), 1e-12 * a[dof]) << "dof " << dof;
  }

  source.exponentiate = false;
  for (double value : coefficient_at_dofs(space, source, draw))
    EXPECT_TRUE(value == source.high || value == source.low);
}

TEST(CoefficientSource, FileFieldComesBackAtVerticesAndAsP1InterpolantOnEdges) {
  const Mesh mesh = square(4);
  const FeSpace p1(mesh, 1);
  std::vector<double> written(p1.local_size());
  for (long dof = 0; dof < p1.local_size(); ++dof)
    written[dof] = 1 + p1.dof_coordinates(dof)[0] + 3 * p1.dof_coordinates(dof)[1] * p1.dof_coordinates(dof)[1];

  ff::test::TempDir dir;
  ff::DatasetLayout layout;
  layout.grid.kind = "mesh";
  layout.mesh = gather_mesh(p1);
  const auto n_nodes = static_cast<std::uint64_t>(layout.mesh.nodes.size() / 2);
  layout.fields = {{"inputs/a", {n_nodes}, ff::DType::float64, {}}};
  layout.split_contiguous(1, 0);
  {
    ff::DatasetWriter writer(dir / "a.h5", layout, {"test", "coefficient", ""});
    writer.write_sample("inputs/a", 0, gather_nodal_field(p1, written).data());
    writer.commit();
  }

  CoefficientSource source;
  source.kind = CoefficientSource::Kind::file;
  source.file = dir / "a.h5";
  const FeSpace p2(mesh, 2);
  const std::vector<double> a = coefficient_at_dofs(p2, source, draw_in(dir));
  for (long cell = 0; cell < p2.cells(); ++cell) {
    const PetscInt* dofs = p2.local_dofs(cell);
    for (int v = 0; v < 3; ++v) {
      const double* x = p2.dof_coordinates(dofs[v]);
      EXPECT_DOUBLE_EQ(a[dofs[v]], 1 + x[0] + 3 * x[1] * x[1]);
    }
    for (std::size_t e = 0; e < p2.element().edges().size(); ++e) {
      const auto [i, j] = p2.element().edges()[e];
      EXPECT_DOUBLE_EQ(a[dofs[3 + e]], 0.5 * (a[dofs[i]] + a[dofs[j]]));
    }
  }

  source.field = "inputs/b";
  try {
    coefficient_at_dofs(p2, source, draw_in(dir));
    ADD_FAILURE() << "no error for a missing field";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("a.h5: inputs/b: no such field (the file has: inputs/a)"), std::string::npos)
        << e.what();
  }
}

TEST(CoefficientSource, FileFieldOfAP2OutputComesBackAtEdgeMidpoints) {
  const Mesh mesh = square(4);
  const FeSpace p2(mesh, 2);
  // Quadratic in y: the mean of an edge's ends differs from the midpoint value.
  auto field = [](const double* x) { return 1 + x[0] + 3 * x[1] * x[1]; };
  std::vector<double> written(p2.local_size());
  for (long dof = 0; dof < p2.local_size(); ++dof) written[dof] = field(p2.dof_coordinates(dof));

  ff::test::TempDir dir;
  ff::DatasetLayout layout;
  layout.grid.kind = "mesh";
  layout.mesh = gather_mesh(p2);
  const auto n_nodes = static_cast<std::uint64_t>(layout.mesh.nodes.size() / 2);
  layout.fields = {{"inputs/a", {n_nodes}, ff::DType::float64, {}}};
  layout.split_contiguous(1, 0);
  {
    ff::DatasetWriter writer(dir / "a.h5", layout, {"test", "coefficient", ""});
    writer.write_sample("inputs/a", 0, gather_nodal_field(p2, written).data());
    writer.commit();
  }

  CoefficientSource source;
  source.kind = CoefficientSource::Kind::file;
  source.file = dir / "a.h5";
  const std::vector<double> a = coefficient_at_dofs(p2, source, draw_in(dir));
  for (long dof = 0; dof < p2.local_size(); ++dof) EXPECT_DOUBLE_EQ(a[dof], field(p2.dof_coordinates(dof))) << dof;
}

}  // namespace
