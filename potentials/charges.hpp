// Point charges: positions and charges in structure-of-arrays form, so the
// direct sums stream each coordinate contiguously. Generators for the test and
// benchmark sets of issue 27, and a reader for text charge files.
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <string>

namespace ff::potentials {

struct Charges {
  Eigen::MatrixXd positions;  // N × 3, column-major: each coordinate contiguous
  Eigen::VectorXd q;          // N
  long size() const { return q.size(); }
};

// N charges uniform in [0,1]³ with charges uniform in [−1, 1] (mixed signs).
Charges random_charges(long n, std::uint64_t seed);

// Equal unit charges on the n_x × n_y × n_z lattice origin + spacing·(i, j, k).
Charges lattice(int n_x, int n_y, int n_z, double spacing, const Eigen::Vector3d& origin, double charge = 1.0);

// The two-lattice set of Benner–Khoromskaia–Khoromskij: +1 on a 24×24×4
// lattice and −1 on the 23×23×4 lattice shifted by half a spacing in x and y
// (2304 + 2116 sites), spacing 1/25, centred in [0,1]³.
Charges paired_slab_lattices();

// A bio-molecule-like set of n partial charges in the box [0, box]³ (Å):
// a self-avoiding random-walk chain (bond 1.5 Å, no two atoms closer than
// 1.2 Å, reflected at the walls) started at the centre, with partial charges
// uniform in [−0.8, 0.8] shifted so that the total charge is zero.
Charges biomolecule_like(long n, double box, std::uint64_t seed);

// Text file: one charge per line "x y z q", blank lines and '#' comments
// allowed. InputError naming file and line for a short line, a non-number,
// extra fields, NaN or Inf.
Charges read_charges(const std::string& path);

// Merges two sets (for the paired lattices and for tests).
Charges concatenate(const Charges& a, const Charges& b);

}  // namespace ff::potentials
