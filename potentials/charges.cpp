#include "potentials/charges.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

namespace ff::potentials {

namespace {
// Stream ids of the core counter-based RNG, one per generator.
constexpr std::uint64_t kRandomChargesStream = 27001;
constexpr std::uint64_t kBiomoleculeStream = 27002;
}  // namespace

Charges random_charges(long n, std::uint64_t seed) {
  FF_REQUIRE(n >= 1, InputError, "random charges: need at least one charge, got {}", n);
  SampleRng rng(seed, kRandomChargesStream, 0);
  Charges c;
  c.positions.resize(n, 3);
  c.q.resize(n);
  for (long i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) c.positions(i, d) = rng.uniform();
    c.q(i) = 2 * rng.uniform() - 1;
  }
  return c;
}

Charges lattice(int n_x, int n_y, int n_z, double spacing, const Eigen::Vector3d& origin, double charge) {
  FF_REQUIRE(n_x >= 1 && n_y >= 1 && n_z >= 1, InputError, "lattice: sizes must be >= 1, got {} x {} x {}", n_x, n_y,
             n_z);
  FF_REQUIRE(spacing > 0, InputError, "lattice: spacing must be > 0, got {:g}", spacing);
  Charges c;
  const long n = long(n_x) * n_y * n_z;
  c.positions.resize(n, 3);
  c.q = Eigen::VectorXd::Constant(n, charge);
  long s = 0;
  for (int k = 0; k < n_z; ++k)
    for (int j = 0; j < n_y; ++j)
      for (int i = 0; i < n_x; ++i, ++s)
        c.positions.row(s) = origin.transpose() + spacing * Eigen::RowVector3d(i, j, k);
  return c;
}

Charges concatenate(const Charges& a, const Charges& b) {
  Charges c;
  c.positions.resize(a.size() + b.size(), 3);
  c.positions << a.positions, b.positions;
  c.q.resize(a.size() + b.size());
  c.q << a.q, b.q;
  return c;
}

Charges paired_slab_lattices() {
  const double h = 1.0 / 25;
  // 24 sites span 23 h; the slab of 4 layers spans 3 h; both centred at 1/2.
  const Eigen::Vector3d origin(0.5 - 11.5 * h, 0.5 - 11.5 * h, 0.5 - 1.5 * h);
  const Eigen::Vector3d shifted = origin + Eigen::Vector3d(0.5 * h, 0.5 * h, 0.0);
  return concatenate(lattice(24, 24, 4, h, origin, 1.0), lattice(23, 23, 4, h, shifted, -1.0));
}

Charges biomolecule_like(long n, double box, std::uint64_t seed) {
  FF_REQUIRE(n >= 1, InputError, "bio-molecule-like set: need at least one charge, got {}", n);
  FF_REQUIRE(box >= 10, InputError, "bio-molecule-like set: box must be >= 10 Å, got {:g}", box);
  constexpr double kBond = 1.5, kMinDistance = 1.2;
  constexpr int kMaxTries = 1000;
  SampleRng rng(seed, kBiomoleculeStream, 0);
  Charges c;
  c.positions.resize(n, 3);
  c.q.resize(n);
  Eigen::RowVector3d p = Eigen::RowVector3d::Constant(0.5 * box);
  for (long i = 0; i < n; ++i) {
    for (int tries = 0; i > 0; ++tries) {
      FF_REQUIRE(tries < kMaxTries, RunError, "bio-molecule-like set: chain stuck after {} atoms", i);
      // Uniform direction on the sphere from a normalised Gaussian vector.
      Eigen::RowVector3d dir(rng.normal(), rng.normal(), rng.normal());
      Eigen::RowVector3d next = c.positions.row(i - 1) + kBond * dir.normalized();
      for (int d = 0; d < 3; ++d) {
        if (next(d) < 0) next(d) = -next(d);
        if (next(d) > box) next(d) = 2 * box - next(d);
      }
      bool clash = false;
      for (long j = 0; j < i && !clash; ++j) clash = (c.positions.row(j) - next).norm() < kMinDistance;
      if (!clash) {
        p = next;
        break;
      }
    }
    c.positions.row(i) = p;
    c.q(i) = 1.6 * rng.uniform() - 0.8;
  }
  c.q.array() -= c.q.mean();
  return c;
}

Charges read_charges(const std::string& path) {
  std::ifstream in(path);
  FF_REQUIRE(in.good(), InputError, "{}: cannot open charge file", path);
  std::vector<double> values;
  std::string line;
  for (long line_no = 1; std::getline(in, line); ++line_no) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string field;
    int count = 0;
    double row[4];
    while (fields >> field) {
      FF_REQUIRE(count < 4, InputError, "{}:{}: expected 4 numbers (x y z q), found more", path, line_no);
      std::size_t used = 0;
      double v = 0;
      try {
        v = std::stod(field, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      FF_REQUIRE(used == field.size() && used > 0, InputError, "{}:{}: field {} is not a number: '{}'", path, line_no,
                 count + 1, field);
      FF_REQUIRE(std::isfinite(v), InputError, "{}:{}: field {} is not finite: '{}'", path, line_no, count + 1, field);
      row[count++] = v;
    }
    if (count == 0) continue;
    FF_REQUIRE(count == 4, InputError, "{}:{}: expected 4 numbers (x y z q), found {}", path, line_no, count);
    values.insert(values.end(), row, row + 4);
  }
  FF_REQUIRE(!values.empty(), InputError, "{}: no charges in file", path);
  const long n = static_cast<long>(values.size() / 4);
  Charges c;
  c.positions.resize(n, 3);
  c.q.resize(n);
  for (long i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) c.positions(i, d) = values[4 * i + d];
    c.q(i) = values[4 * i + 3];
  }
  return c;
}

}  // namespace ff::potentials
