// Verification of solve.elasticity's solver (issue 6):
// - patch tests: a linear displacement imposed on the boundary is reproduced
//   exactly (to round-off) everywhere, on structured and on irregular
//   (randomly distorted) meshes, P1/Q1/P2 in 2D and 3D; also with the
//   boundary held in one component only per side (rollers), and with one
//   side held and the exact tractions on the others;
// - a manufactured smooth solution in 2D converges in L2 at order 2 (P1/Q1)
//   and 3 (P2), and in H1 one order lower;
// - distributed over the ranks of `mpiexec -n 2` the manufactured errors
//   equal the serial ones (Parallel.*, run by ctest's mpi.fem_* test).
#include "core/error.hpp"
#include "elasticity_manufactured.hpp"
#include "solvers/fem/elasticity.hpp"
#include "solvers/fem/norms.hpp"
#include "unit_box.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace {

using namespace ff::fem;

constexpr double kYoung = 1.0, kPoisson = 0.3;

// A pseudo-random number in [-1, 1] from a point's coordinates, the same on
// every rank that holds the point.
double hash_unit(const double* x, int dim, int salt) {
  std::uint64_t h = 1469598103934665603ull + static_cast<std::uint64_t>(salt);
  for (int a = 0; a < dim; ++a) {
    h ^= static_cast<std::uint64_t>(std::llround(x[a] * 1e6));
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  return static_cast<double>(h % 2000001) / 1000000.0 - 1.0;
}

// Moves every vertex inside the unit box by up to `amplitude` (a fraction of
// the cell size 1/n) per axis, so cells become irregular (and quadrilaterals
// and hexahedra non-affine) while the boundary stays put.
void distort(const Mesh& mesh, int n, double amplitude) {
  Vec coordinates = nullptr;
  DMGetCoordinatesLocal(mesh.dm(), &coordinates);
  PetscInt size = 0;
  VecGetLocalSize(coordinates, &size);
  PetscScalar* xyz = nullptr;
  VecGetArray(coordinates, &xyz);
  const int dim = mesh.dim();
  for (PetscInt v = 0; v < size / dim; ++v) {
    double* x = &xyz[v * dim];
    bool inside = true;
    for (int a = 0; a < dim; ++a) inside = inside && x[a] > 1e-12 && x[a] < 1 - 1e-12;
    if (!inside) continue;
    double shift[3];
    for (int a = 0; a < dim; ++a) shift[a] = amplitude / n * hash_unit(x, dim, a);
    for (int a = 0; a < dim; ++a) x[a] += shift[a];
  }
  VecRestoreArray(coordinates, &xyz);
}

// Dofs whose node lies off the lattice of spacing 1/m.
long off_lattice_nodes(const FeSpace& space, int m) {
  long count = 0;
  for (long dof = 0; dof < space.local_size(); ++dof)
    for (int a = 0; a < space.dim(); ++a) {
      const double scaled = space.dof_coordinates(dof)[a] * m;
      if (std::abs(scaled - std::round(scaled)) > 1e-9) ++count;
    }
  return count;
}

std::vector<std::string> sides(int dim) {
  std::vector<std::string> names{"left", "right", "bottom", "top"};
  if (dim == 3) names.insert(names.end(), {"front", "back"});
  return names;
}

// u(x) = b + A x: a rigid motion plus a uniform strain, so the exact
// solution has a constant stress and no body force.
struct LinearField {
  double a[3][3];
  double b[3];
  void operator()(const double* x, int dim, double* u) const {
    for (int r = 0; r < dim; ++r) {
      u[r] = b[r];
      for (int c = 0; c < dim; ++c) u[r] += a[r][c] * x[c];
    }
  }
  // σ = λ tr(ε) I + 2μ ε with ε the symmetric part of A.
  void stress(const LameParameters& m, int dim, double sigma[3][3]) const {
    double trace = 0;
    for (int r = 0; r < dim; ++r) trace += a[r][r];
    for (int r = 0; r < dim; ++r)
      for (int c = 0; c < dim; ++c) sigma[r][c] = m.mu * (a[r][c] + a[c][r]) + (r == c ? m.lambda * trace : 0.0);
  }
};

// A full, non-symmetric A (a rotation is part of it).
const LinearField kGeneral{{{0.011, -0.023, 0.007}, {0.031, 0.005, -0.013}, {-0.017, 0.029, 0.019}}, {0.1, -0.2, 0.3}};
// A diagonal A: no shear stress, so sides held in their normal component
// only are traction-free in the tangential ones, as the exact solution is.
const LinearField kStretch{{{0.011, 0, 0}, {0, -0.004, 0}, {0, 0, 0.007}}, {0, 0, 0}};

ElasticityOptions patch_options(int degree) {
  ElasticityOptions options;
  options.degree = degree;
  options.material = lame_from_young(kYoung, kPoisson);
  options.solver.ksp_type = "preonly";  // a direct solve: the test measures the discretization alone
  options.solver.pc_type = "lu";
  options.rigid_body_modes = false;
  return options;
}

struct Patch {
  int dim;
  bool simplex;
  int degree;
  double distortion;  // vertex shift as a fraction of the cell size
};

// How the boundary holds the patch: u on every side; only the normal
// component of u on each side (rollers); u on the left side and the exact
// traction σn on all others.
enum class Holding { displacement, rollers, traction };

// The largest nodal error of the solution against the exact linear field,
// relative to the field's largest entry.
double patch_error(const Patch& patch, Holding holding) {
  const int n = 4, dim = patch.dim;
  const Mesh mesh = test::unit_box(PETSC_COMM_SELF, dim, patch.simplex, n);
  if (patch.distortion > 0) distort(mesh, n, patch.distortion);
  const LinearField field = holding == Holding::rollers ? kStretch : kGeneral;
  auto exact = [field, dim](const double* x, double* u) { field(x, dim, u); };
  ElasticityOptions options = patch_options(patch.degree);
  const std::vector<std::string> names = sides(dim);
  for (int s = 0; s < static_cast<int>(names.size()); ++s) {
    if (holding == Holding::displacement || (holding == Holding::traction && names[s] == "left"))
      options.displacement.push_back({names[s], -1, exact});
    else if (holding == Holding::rollers)
      options.displacement.push_back({names[s], s / 2, exact});
    else
      options.traction.push_back({names[s], [field, dim, material = options.material](const FacetPoint& p, double* t) {
                                    double sigma[3][3];
                                    field.stress(material, dim, sigma);
                                    for (int r = 0; r < dim; ++r) {
                                      t[r] = 0;
                                      for (int c = 0; c < dim; ++c) t[r] += sigma[r][c] * p.normal[c];
                                    }
                                  }});
  }
  ElasticitySolver solver(mesh, options);
  solver.solve();
  const FeSpace& space = solver.space();
  EXPECT_EQ(patch.distortion > 0, off_lattice_nodes(space, 2 * n) > 0) << "the distortion did not reach the space";
  double error = 0, scale = 0;
  for (long dof = 0; dof < space.local_size(); ++dof) {
    double u[3];
    exact(space.dof_coordinates(dof), u);
    error = std::max(error, std::abs(solver.solution()[dof] - u[space.component(dof)]));
    scale = std::max(scale, std::abs(u[space.component(dof)]));
  }
  return error / scale;
}

class PatchTest : public ::testing::TestWithParam<Patch> {
 protected:
  void expect_exact(Holding holding) {
    const double error = patch_error(GetParam(), holding);
    RecordProperty("relative_error", fmt::format("{:.2e}", error));
    EXPECT_LT(error, 1e-10);
  }
};

TEST_P(PatchTest, LinearDisplacementIsReproducedExactly) { expect_exact(Holding::displacement); }
TEST_P(PatchTest, RollersReproduceAUniformStretchExactly) { expect_exact(Holding::rollers); }
TEST_P(PatchTest, TractionsReproduceAUniformStressExactly) { expect_exact(Holding::traction); }

INSTANTIATE_TEST_SUITE_P(Elasticity, PatchTest,
                         ::testing::Values(Patch{2, true, 1, 0}, Patch{2, false, 1, 0}, Patch{2, true, 2, 0},
                                           Patch{3, true, 1, 0}, Patch{3, false, 1, 0}, Patch{3, true, 2, 0},
                                           Patch{2, true, 1, 0.3}, Patch{2, false, 1, 0.3}, Patch{2, true, 2, 0.3},
                                           Patch{3, true, 1, 0.1}, Patch{3, false, 1, 0.2}, Patch{3, true, 2, 0.1}),
                         [](const ::testing::TestParamInfo<Patch>& info) {
                           const Patch& p = info.param;
                           return std::to_string(p.dim) + "D" + (p.simplex ? "P" : "Q") + std::to_string(p.degree) +
                                  (p.distortion > 0 ? "Distorted" : "Structured");
                         });

struct Manufactured {
  ErrorNorms norms;
  long iterations = 0;
};

Manufactured solve_manufactured(MPI_Comm comm, bool simplex, int degree, int n) {
  const Mesh mesh = test::unit_box(comm, 2, simplex, n);
  ElasticitySolver solver(mesh, test::manufactured_elasticity(degree, lame_from_young(kYoung, kPoisson)));
  solver.solve();
  return {test::manufactured_elasticity_errors(solver), solver.result().iterations};
}

struct Study {
  bool simplex;
  int degree;
};

class ElasticityConvergence : public ::testing::TestWithParam<Study> {};

TEST_P(ElasticityConvergence, ObservedOrdersMatchTheElement) {
  const Study study = GetParam();
  const int k = study.degree;
  // Linear elements reach their asymptotic order on finer meshes than P2.
  const int n = k == 1 ? 16 : 8;
  const Manufactured coarse = solve_manufactured(PETSC_COMM_SELF, study.simplex, k, n);
  const Manufactured fine = solve_manufactured(PETSC_COMM_SELF, study.simplex, k, 2 * n);
  const Manufactured finer = solve_manufactured(PETSC_COMM_SELF, study.simplex, k, 4 * n);
  const double l2_order = std::log2(fine.norms.l2 / finer.norms.l2);
  const double h1_order = std::log2(fine.norms.h1 / finer.norms.h1);
  RecordProperty("l2_order", std::to_string(l2_order));
  RecordProperty("h1_order", std::to_string(h1_order));
  std::printf(
      "elasticity %s%d: L2 %.3e %.3e %.3e (order %.3f), H1 %.3e %.3e %.3e (order %.3f), CG+GAMG its %ld %ld %ld\n",
      study.simplex ? "P" : "Q", k, coarse.norms.l2, fine.norms.l2, finer.norms.l2, l2_order, coarse.norms.h1,
      fine.norms.h1, finer.norms.h1, h1_order, coarse.iterations, fine.iterations, finer.iterations);
  // Asymptotic orders k + 1 (L2) and k (H1), within 0.1 at these sizes.
  EXPECT_NEAR(l2_order, k + 1, 0.1);
  EXPECT_NEAR(h1_order, k, 0.1);
  EXPECT_LT(fine.norms.l2, coarse.norms.l2);
}

INSTANTIATE_TEST_SUITE_P(Elasticity, ElasticityConvergence,
                         ::testing::Values(Study{true, 1}, Study{false, 1}, Study{true, 2}),
                         [](const ::testing::TestParamInfo<Study>& info) {
                           return std::string(info.param.simplex ? "P" : "Q") + std::to_string(info.param.degree);
                         });

TEST(Elasticity, UnknownPartNameIsAnInputErrorListingTheParts) {
  const Mesh mesh = test::unit_box(PETSC_COMM_SELF, 2, true, 2);
  ElasticityOptions options = patch_options(1);
  options.displacement.push_back({"lefft", -1});
  try {
    ElasticitySolver solver(mesh, options);
    FAIL() << "no error for an unknown part";
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown boundary part 'lefft'; the mesh has: bottom, left, right, top"),
              std::string::npos)
        << e.what();
  }
}

TEST(Elasticity, PoissonRatioOfOneHalfIsAnInputError) { EXPECT_THROW(lame_from_young(1.0, 0.5), ff::InputError); }

// Under mpiexec -n 2 (ctest's mpi.fem_* test): the manufactured errors of a
// distributed solve equal the serial ones far below the solver tolerance.
TEST(Parallel, DistributedElasticityErrorsEqualSerialOnes) {
  for (const Study study : {Study{true, 1}, Study{false, 1}, Study{true, 2}}) {
    const Manufactured distributed = solve_manufactured(PETSC_COMM_WORLD, study.simplex, study.degree, 16);
    const Manufactured serial = solve_manufactured(PETSC_COMM_SELF, study.simplex, study.degree, 16);
    EXPECT_NEAR(distributed.norms.l2, serial.norms.l2, 1e-8 * serial.norms.l2);
    EXPECT_NEAR(distributed.norms.h1, serial.norms.h1, 1e-8 * serial.norms.h1);
  }
}

}  // namespace
