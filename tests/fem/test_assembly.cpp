// Assembly from chosen integration points, the hook of empirical cubature:
// listing every point with its own measure reproduces the full assembly, and
// a reduced rule exact for the integrand reproduces it with fewer points.
#include "solvers/fem/assembly.hpp"
#include "solvers/fem/diffusion.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <gtest/gtest.h>

namespace {

using namespace ff::fem;

double matrix_difference_norm(Mat a, Mat b) {
  ff::linear::PetscHandle<Mat, MatDestroy> difference;
  FF_PETSC(MatDuplicate(a, MAT_COPY_VALUES, difference.out()));
  FF_PETSC(MatAXPY(difference, -1.0, b, SAME_NONZERO_PATTERN));
  PetscReal norm = 0;
  FF_PETSC(MatNorm(difference, NORM_FROBENIUS, &norm));
  return norm;
}

struct Fixture {
  explicit Fixture(bool simplex)
      : mesh(make_mesh(simplex)), space(mesh, 1), values(space, gauss_rule(mesh.shape(), 3)) {}
  static Mesh make_mesh(bool simplex) {
    BoxMeshOptions options;
    options.cells = {6, 5, 1};
    options.simplex = simplex;
    return Mesh::box(PETSC_COMM_WORLD, options);
  }
  Mesh mesh;
  FeSpace space;
  CellValues values;
  DiffusionKernel kernel{[](const IntegrationPoint& p) { return 1 + p.x[0] * p.x[1]; },
                         [](const IntegrationPoint& p) { return p.x[0]; }};
};

TEST(Assembly, EveryPointWithItsMeasureReproducesTheFullAssembly) {
  Fixture f(false);
  auto full = f.space.create_matrix(), listed = f.space.create_matrix();
  assemble(f.values, f.kernel, {full, nullptr, nullptr});
  std::vector<WeightedPoint> points;
  for (long c = f.space.cells() - 1; c >= 0; --c)  // any order of cells
    for (int q = 0; q < f.values.rule().size(); ++q) points.push_back({c, q, f.values.point(c, q).measure});
  assemble(f.values, f.kernel, {listed, nullptr, nullptr}, &points);
  PetscReal scale = 0;
  FF_PETSC(MatNorm(full, NORM_FROBENIUS, &scale));
  EXPECT_LT(matrix_difference_norm(full, listed), 1e-14 * scale);
}

TEST(Assembly, OneCentroidPerTriangleReproducesTheP1LaplacianExactly) {
  // With a = 1 the P1 stiffness integrand is constant per triangle: the
  // centroid weighted by the cell's area integrates it exactly.
  Fixture f(true);
  DiffusionKernel laplacian([](const IntegrationPoint&) { return 1.0; }, [](const IntegrationPoint&) { return 0.0; });
  CellValues centroid(f.space, QuadratureRule{2, {1.0 / 3, 1.0 / 3}, {0.5}});
  auto full = f.space.create_matrix(), reduced = f.space.create_matrix();
  assemble(f.values, laplacian, {full, nullptr, nullptr});
  std::vector<WeightedPoint> points;
  for (long c = 0; c < f.space.cells(); ++c) points.push_back({c, 0, centroid.point(c, 0).measure});
  assemble(centroid, laplacian, {reduced, nullptr, nullptr}, &points);
  PetscReal scale = 0;
  FF_PETSC(MatNorm(full, NORM_FROBENIUS, &scale));
  EXPECT_LT(matrix_difference_norm(full, reduced), 1e-13 * scale);
}

TEST(Assembly, MatrixIsSymmetric) {
  Fixture f(true);
  auto matrix = f.space.create_matrix();
  assemble(f.values, f.kernel, {matrix, nullptr, nullptr});
  PetscBool symmetric = PETSC_FALSE;
  FF_PETSC(MatIsSymmetric(matrix, 1e-13, &symmetric));
  EXPECT_TRUE(symmetric);
}

}  // namespace
