// Boundary parts of box meshes and integration over them: every side is a
// part with its name, the face rule integrates polynomials over a side
// exactly, and the normals point out of the box.
#include "core/error.hpp"
#include "solvers/fem/facet_values.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>

namespace {

using namespace ff::fem;

struct Side {
  const char* name;
  int axis;
  double outward;  // the normal's component along the axis
};
const Side kSides[] = {{"left", 0, -1}, {"right", 0, 1},  {"bottom", 1, -1},
                       {"top", 1, 1},   {"front", 2, -1}, {"back", 2, 1}};

// Every side of a box, integrated over all ranks' faces.
void check_sides(int dim, bool simplex, int degree) {
  BoxMeshOptions options;
  options.dim = dim;
  options.simplex = simplex;
  options.cells = {3, 4, 2};
  options.lower = {-1, 0, 0.5};
  options.upper = {2, 0.5, 1.5};
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, options);
  FeSpace space(mesh, degree);
  ASSERT_EQ(mesh.boundary_parts().size(), std::size_t(2 * dim));
  FacetValues values(space, 2);
  for (int s = 0; s < 2 * dim; ++s) {
    const Side& side = kSides[s];
    ASSERT_TRUE(mesh.boundary_part(side.name).has_value()) << side.name;
    // The side's area, the moment ∫ Π x_a ds over its other axes (degree
    // dim - 1 <= 2, which the rule integrates exactly) and ∫ n·e_axis ds.
    double sums[3] = {0, 0, 0};
    double normal_error = 0;
    for (const BoundaryFace& face : boundary_faces(space, side.name))
      for (int q = 0; q < values.size(); ++q) {
        const FacetPoint& p = values.point(face, q);
        double product = 1;
        for (int a = 0; a < dim; ++a)
          if (a != side.axis) product *= p.x[a];
        sums[0] += p.measure;
        sums[1] += product * p.measure;
        sums[2] += p.normal[side.axis] * p.measure;
        for (int a = 0; a < dim; ++a)
          normal_error = std::max(normal_error, std::abs(p.normal[a] - (a == side.axis ? side.outward : 0.0)));
      }
    double totals[3];
    MPI_Allreduce(sums, totals, 3, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    double area = 1, moment = 1;
    for (int a = 0; a < dim; ++a)
      if (a != side.axis) {
        area *= options.upper[a] - options.lower[a];
        moment *= 0.5 * (options.upper[a] * options.upper[a] - options.lower[a] * options.lower[a]);
      }
    EXPECT_NEAR(totals[0], area, 1e-13) << side.name;
    EXPECT_NEAR(totals[1], moment, 1e-13) << side.name;
    EXPECT_NEAR(totals[2], side.outward * area, 1e-13) << side.name;
    EXPECT_LT(normal_error, 1e-14) << side.name;
  }
}

TEST(Facets, TriangleSidesIntegrateExactly) { check_sides(2, true, 1); }
TEST(Facets, QuadrilateralSidesIntegrateExactly) { check_sides(2, false, 1); }
TEST(Facets, P2TriangleSidesIntegrateExactly) { check_sides(2, true, 2); }
TEST(Facets, TetrahedronSidesIntegrateExactly) { check_sides(3, true, 1); }
TEST(Facets, HexahedronSidesIntegrateExactly) { check_sides(3, false, 1); }

TEST(Facets, FaceBasisSumsToOneAndVanishesOffTheFace) {
  // On a face, the basis functions of the cell's vertices off the face are
  // zero and all of them sum to one: the face sits where it should in the cell.
  BoxMeshOptions options;
  options.cells = {2, 2, 2};
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, options);
  FeSpace space(mesh, 2);
  FacetValues values(space, 3);
  for (const BoundaryFace& face : boundary_faces(space, "top"))
    for (int q = 0; q < values.size(); ++q) {
      const FacetPoint& p = values.point(face, q);
      double sum = 0;
      for (int i = 0; i < p.size; ++i) sum += p.values[i];
      EXPECT_NEAR(sum, 1.0, 1e-14);
      EXPECT_NEAR(p.x[1], 1.0, 1e-14);
    }
}

TEST(Facets, UnknownPartNameListsTheParts) {
  BoxMeshOptions options;
  options.cells = {2, 2, 2};
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, options);
  FeSpace space(mesh, 1);
  try {
    boundary_faces(space, "lft");
    FAIL() << "no error for an unknown part";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no boundary part 'lft' (its parts: bottom, left, right, top)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
