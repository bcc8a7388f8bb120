// Several finite-element spaces on one Mesh (issue 18): each FeSpace owns a
// clone of the mesh's DM with its own section, so a P1 and a P2 scalar space
// and a P1 displacement space built on one mesh, all set up before any of
// them solves, each solve their manufactured problem (manufactured.hpp,
// elasticity_manufactured.hpp) with the errors each gets on a mesh of its
// own — interleaved P1, P2, vector, P1 again — and converge at their orders.
//
// When the spaces shared the mesh's DM, the last space built set the section
// every space's sizes, vectors and scatters came from: the P1 and P2 spaces
// reported the displacement space's 112 unknowns (n = 8), and the P1 solve
// scattered its solution with that layout, silently: an L2 error of 0.22
// where P1 gives 0.021.
#include "elasticity_manufactured.hpp"
#include "manufactured.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>

namespace {

using namespace ff::fem;
using namespace ff::fem::test;

const LameParameters kMaterial = lame_from_young(1.0, 0.3);

// Global length of a vector the space creates.
long vector_size(const FeSpace& space) {
  PetscInt size = 0;
  FF_PETSC(VecGetSize(space.create_vector(), &size));
  return size;
}

struct Interleaved {
  Errors p1, p2, p1_again;
  ErrorNorms vector;
};

// The three solvers on one n x n triangle mesh, all built first, then solved in turn.
Interleaved solve_interleaved(MPI_Comm comm, int n) {
  const Mesh mesh = unit_box(comm, 2, true, n);
  PoissonSolver p1(mesh, manufactured_options(1, 1e-12));
  PoissonSolver p2(mesh, manufactured_options(2, 1e-12));
  ElasticitySolver vector(mesh, manufactured_elasticity(1, kMaterial));
  // Each space's vectors have its own unknowns, whichever space was built
  // last: P1 and P2 held on the whole boundary, (n - 1)^2 and (2n - 1)^2;
  // the displacement held on three sides, 2 components at n (n - 1) nodes.
  const long n1 = n - 1, n2 = 2 * n - 1;
  EXPECT_EQ(vector_size(p1.space()), n1 * n1);
  EXPECT_EQ(vector_size(p2.space()), n2 * n2);
  EXPECT_EQ(vector_size(vector.space()), 2 * n * n1);
  EXPECT_EQ(p1.space().global_size(), n1 * n1);
  EXPECT_EQ(p2.space().global_size(), n2 * n2);
  EXPECT_EQ(vector.space().global_size(), 2 * n * n1);
  EXPECT_NE(p1.space().dm(), p2.space().dm());
  EXPECT_NE(p1.space().dm(), mesh.dm());

  Interleaved out;
  out.p1 = solve_manufactured(p1);
  out.p2 = solve_manufactured(p2);
  vector.solve();
  out.vector = manufactured_elasticity_errors(vector);
  out.p1_again = solve_manufactured(p1);
  return out;
}

// Each solver on a mesh of its own.
Interleaved solve_alone(MPI_Comm comm, int n) {
  Interleaved out;
  {
    const Mesh mesh = unit_box(comm, 2, true, n);
    PoissonSolver p1(mesh, manufactured_options(1, 1e-12));
    out.p1 = out.p1_again = solve_manufactured(p1);
  }
  {
    const Mesh mesh = unit_box(comm, 2, true, n);
    PoissonSolver p2(mesh, manufactured_options(2, 1e-12));
    out.p2 = solve_manufactured(p2);
  }
  const Mesh mesh = unit_box(comm, 2, true, n);
  ElasticitySolver vector(mesh, manufactured_elasticity(1, kMaterial));
  vector.solve();
  out.vector = manufactured_elasticity_errors(vector);
  return out;
}

// The same problem on the same mesh, solved to rtol 1e-12: the errors
// (>= 1e-5 here) agree far below 1e-8 relative, whatever else the mesh holds.
void expect_same(const ErrorNorms& shared, const ErrorNorms& alone, const char* label) {
  EXPECT_NEAR(shared.l2, alone.l2, 1e-8 * alone.l2) << label;
  EXPECT_NEAR(shared.h1, alone.h1, 1e-8 * alone.h1) << label;
}

int rank(MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

void expect_spaces_independent(MPI_Comm comm) {
  for (int n : {8, 16}) {
    const Interleaved shared = solve_interleaved(comm, n);
    const Interleaved alone = solve_alone(comm, n);
    if (rank(comm) == 0)
      std::printf("[ shared   ] n=%d  P1 L2 %.4e (again %.4e)  P2 L2 %.4e  vector P1 L2 %.4e\n", n, shared.p1.norms.l2,
                  shared.p1_again.norms.l2, shared.p2.norms.l2, shared.vector.l2);
    expect_same(shared.p1.norms, alone.p1.norms, "P1");
    expect_same(shared.p2.norms, alone.p2.norms, "P2");
    expect_same(shared.vector, alone.vector, "vector P1");
    expect_same(shared.p1_again.norms, alone.p1.norms, "P1, after the others");
  }
}

TEST(SharedMesh, P1P2AndVectorSpacesSolveInterleavedAsIfAlone) { expect_spaces_independent(PETSC_COMM_SELF); }

// Observed orders on shared meshes (n = 16, 32): L2 k + 1 and H1 k for
// degree k, within 0.15 (at these sizes higher-order terms move the P1
// displacement's L2 order by up to ~0.1; a space scattering with another
// space's layout would be off by whole orders, or fail outright).
TEST(SharedMesh, InterleavedSolvesConvergeAtTheirOrders) {
  const Interleaved coarse = solve_interleaved(PETSC_COMM_SELF, 16);
  const Interleaved fine = solve_interleaved(PETSC_COMM_SELF, 32);
  auto order = [](double coarse_error, double fine_error) { return std::log2(coarse_error / fine_error); };
  std::printf("[ shared   ] orders L2/H1: P1 %.3f/%.3f  P2 %.3f/%.3f  vector P1 %.3f/%.3f\n",
              order(coarse.p1.norms.l2, fine.p1.norms.l2), order(coarse.p1.norms.h1, fine.p1.norms.h1),
              order(coarse.p2.norms.l2, fine.p2.norms.l2), order(coarse.p2.norms.h1, fine.p2.norms.h1),
              order(coarse.vector.l2, fine.vector.l2), order(coarse.vector.h1, fine.vector.h1));
  EXPECT_NEAR(order(coarse.p1.norms.l2, fine.p1.norms.l2), 2, 0.15);
  EXPECT_NEAR(order(coarse.p1.norms.h1, fine.p1.norms.h1), 1, 0.15);
  EXPECT_NEAR(order(coarse.p2.norms.l2, fine.p2.norms.l2), 3, 0.15);
  EXPECT_NEAR(order(coarse.p2.norms.h1, fine.p2.norms.h1), 2, 0.15);
  EXPECT_NEAR(order(coarse.vector.l2, fine.vector.l2), 2, 0.15);
  EXPECT_NEAR(order(coarse.vector.h1, fine.vector.h1), 1, 0.15);
}

// Under mpiexec -n 2 (ctest's mpi.fem_* test): the clones share the
// distributed mesh's point SF, so the shared spaces still solve as if alone.
TEST(Parallel, SpacesOnOneDistributedMeshSolveInterleavedAsIfAlone) { expect_spaces_independent(PETSC_COMM_WORLD); }

}  // namespace
