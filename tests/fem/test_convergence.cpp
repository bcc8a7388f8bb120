// Verification: observed orders of convergence of the Poisson solver under
// mesh refinement, against the manufactured solution of manufactured.hpp.
//
// Theory (smooth solution, quasi-uniform meshes, exact-enough quadrature):
// ‖u − u_h‖_L2 = O(h^(k+1)) and |u − u_h|_H1 = O(h^k) for degree k. The
// observed order log(e_h / e_h/2) / log 2 approaches the nominal one from
// either side as h → 0; on the last refinement of these meshes the
// higher-order terms move it by a few hundredths, so we require it within
// 0.1 of nominal (a wrong element, geometry or quadrature costs at least a
// whole order), and the errors to decrease at every refinement.
#include "manufactured.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <vector>

namespace {

using namespace ff::fem;
using namespace ff::fem::test;

void expect_orders(const Study& study, const std::vector<int>& sizes) {
  std::vector<Errors> errors;
  for (int n : sizes) errors.push_back(solve_manufactured(PETSC_COMM_WORLD, study, n));
  const std::string label =
      std::string(study.simplex ? "P" : "Q") + std::to_string(study.degree) + " " + std::to_string(study.dim) + "D";
  for (std::size_t i = 0; i < sizes.size(); ++i)
    std::printf("[ order    ] %s n=%3d  L2 %.4e  H1 %.4e  (%ld CG iterations)\n", label.c_str(), sizes[i],
                errors[i].norms.l2, errors[i].norms.h1, errors[i].iterations);
  for (std::size_t i = 1; i < sizes.size(); ++i) {
    EXPECT_LT(errors[i].norms.l2, errors[i - 1].norms.l2) << label;
    EXPECT_LT(errors[i].norms.h1, errors[i - 1].norms.h1) << label;
  }
  const std::size_t last = sizes.size() - 1;
  const double ratio = std::log(double(sizes[last]) / sizes[last - 1]);
  const double l2_order = std::log(errors[last - 1].norms.l2 / errors[last].norms.l2) / ratio;
  const double h1_order = std::log(errors[last - 1].norms.h1 / errors[last].norms.h1) / ratio;
  std::printf("[ order    ] %s observed L2 order %.3f, H1 order %.3f\n", label.c_str(), l2_order, h1_order);
  EXPECT_NEAR(l2_order, study.degree + 1, 0.1) << label;
  EXPECT_NEAR(h1_order, study.degree, 0.1) << label;
}

TEST(Convergence, P1Triangles) { expect_orders({2, true, 1}, {8, 16, 32, 64}); }
TEST(Convergence, Q1Quadrilaterals) { expect_orders({2, false, 1}, {8, 16, 32, 64}); }
TEST(Convergence, P2Triangles) { expect_orders({2, true, 2}, {4, 8, 16, 32}); }
TEST(Convergence, P1Tetrahedra) { expect_orders({3, true, 1}, {4, 8, 16}); }
TEST(Convergence, Q1Hexahedra) { expect_orders({3, false, 1}, {4, 8, 16}); }
TEST(Convergence, P2Tetrahedra) { expect_orders({3, true, 2}, {2, 4, 8, 12}); }

}  // namespace
