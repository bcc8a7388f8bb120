// Charge sets: generators are reproducible and have the stated geometry; the
// charge-file reader refuses malformed lines naming file and line.
#include "potentials/charges.hpp"

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace fp = ff::potentials;

TEST(Charges, RandomChargesAreSeededMixedAndInUnitCube) {
  const auto a = fp::random_charges(1000, 7), b = fp::random_charges(1000, 7), c = fp::random_charges(1000, 8);
  EXPECT_TRUE(a.positions == b.positions && a.q == b.q);
  EXPECT_FALSE(a.q == c.q);
  EXPECT_GE(a.positions.minCoeff(), 0.0);
  EXPECT_LE(a.positions.maxCoeff(), 1.0);
  EXPECT_LT(a.q.minCoeff(), -0.9);
  EXPECT_GT(a.q.maxCoeff(), 0.9);
}

TEST(Charges, PairedSlabLatticesHaveThePapersSites) {
  const auto c = fp::paired_slab_lattices();
  EXPECT_EQ(c.size(), 24 * 24 * 4 + 23 * 23 * 4);
  EXPECT_DOUBLE_EQ(c.q.sum(), 24 * 24 * 4 - 23 * 23 * 4);
  EXPECT_GT(c.positions.minCoeff(), 0.0);
  EXPECT_LT(c.positions.maxCoeff(), 1.0);
  const auto cube = fp::lattice(8, 8, 8, 0.1, Eigen::Vector3d::Zero());
  EXPECT_EQ(cube.size(), 512);
  EXPECT_NEAR(cube.positions.maxCoeff(), 0.7, 1e-15);
}

TEST(Charges, BiomoleculeLikeChainIsNeutralSelfAvoidingAndInsideTheBox) {
  const auto c = fp::biomolecule_like(500, 50.0, 1);
  ASSERT_EQ(c.size(), 500);
  EXPECT_NEAR(c.q.sum(), 0.0, 1e-12);
  EXPECT_GE(c.positions.minCoeff(), 0.0);
  EXPECT_LE(c.positions.maxCoeff(), 50.0);
  double closest = 1e300;
  for (long i = 0; i < c.size(); ++i)
    for (long j = 0; j < i; ++j) closest = std::min(closest, (c.positions.row(i) - c.positions.row(j)).norm());
  EXPECT_GE(closest, 1.2 - 1e-12);
}

namespace {

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

void expect_input_error(const std::string& path, const std::string& fragment) {
  try {
    fp::read_charges(path);
    ADD_FAILURE() << "no error for " << path;
  } catch (const ff::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Charges, ReaderReadsCommentsAndBlankLines) {
  const auto c = fp::read_charges(write_file("good.txt", "# x y z q\n0.1 0.2 0.3 -1\n\n  1e-1 2 3 0.5 # ion\n"));
  ASSERT_EQ(c.size(), 2);
  EXPECT_DOUBLE_EQ(c.positions(1, 1), 2.0);
  EXPECT_DOUBLE_EQ(c.q(0), -1.0);
}

TEST(Charges, ReaderRefusesBadLinesNamingFileAndLine) {
  expect_input_error(write_file("nan.txt", "0 0 0 1\n0 0 nan 1\n"), "nan.txt:2: field 3 is not finite");
  expect_input_error(write_file("inf.txt", "0 0 0 inf\n"), "inf.txt:1: field 4 is not finite");
  expect_input_error(write_file("short.txt", "0 0 0 1\n\n0 0 1\n"), "short.txt:3: expected 4 numbers");
  expect_input_error(write_file("word.txt", "0 0 x1 1\n"), "word.txt:1: field 3 is not a number");
  expect_input_error(write_file("long.txt", "0 0 0 1 5\n"), "long.txt:1: expected 4 numbers");
  expect_input_error(write_file("empty.txt", "# nothing\n"), "no charges");
  expect_input_error(::testing::TempDir() + "missing.txt", "cannot open");
}
