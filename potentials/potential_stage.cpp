#include "potentials/potential_stage.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "io/dataset_writer.hpp"
#include "io/options.hpp"
#include "potentials/direct_sum.hpp"
#include "potentials/range_separated.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <random>

namespace ff::potentials {
namespace {

struct Settings {
  enum class Kind { random, lattice, paired_lattices, biomolecule, file };
  struct ChargeSet {
    Kind kind = Kind::random;
    long count = 10000;
    long lattice_n = 8;
    double molecule_box = 50.0;
    long seed = 1;
    std::filesystem::path file;
  } charges;
  std::vector<double> box;
  double accuracy = 1e-6;
  double r_c = 0.0;
  long degree = 0;
  long grid_n = 64;
  long check_points = 1000;
  std::filesystem::path out = "potential.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  using C = S::ChargeSet;
  OptionsSchema<C> charges;
  charges.choice("kind", &C::kind,
                 {{"random", S::Kind::random},
                  {"lattice", S::Kind::lattice},
                  {"paired_lattices", S::Kind::paired_lattices},
                  {"biomolecule", S::Kind::biomolecule},
                  {"file", S::Kind::file}},
                 "random: mixed-sign charges in [0,1]^3; lattice: unit charges on n^3 sites in [0,1]^3; "
                 "paired_lattices: +1 on 24x24x4 and -1 on the shifted 23x23x4 sites; biomolecule: a random-walk "
                 "chain of partial charges in a molecule_box^3 box (Angstrom); file: 'x y z q' lines");
  charges.key("count", &C::count, "charges of kind random or biomolecule").at_least(1).at_most(100000000).smoke(200);
  charges.key("lattice_n", &C::lattice_n, "sites per axis of kind lattice").at_least(1).at_most(1000).smoke(6);
  charges.key("molecule_box", &C::molecule_box, "box side of kind biomolecule (Angstrom)").greater_than(0);
  charges.key("seed", &C::seed, "random charges and positions").at_least(0);
  charges.file("file", &C::file, ValueKind::input_file, "charge file of kind file: one 'x y z q' per line");
  OptionsSchema<S> o;
  o.map("charges", &S::charges, charges, "the point charges");
  o.key("box", &S::box,
        "box [Lx, Ly, Lz] from the origin holding every charge (default: [1, 1, 1], or molecule_box for kind "
        "biomolecule)");
  o.key("accuracy", &S::accuracy, "relative l2 accuracy of the potential").greater_than(0).at_most(0.1);
  o.key("r_c", &S::r_c, "splitting radius of erfc/erf (0: the one of lowest predicted cost)").at_least(0);
  o.key("degree", &S::degree, "Chebyshev degree per axis of the long range (0: from r_c and accuracy)")
      .at_least(0)
      .at_most(1024);
  o.key("grid", &S::grid_n, "grid points per axis over the box, both faces included")
      .at_least(2)
      .at_most(1024)  // 1024³ doubles are 8 GiB
      .smoke(16);
  o.key("check_points", &S::check_points, "random points where the result is compared with the direct sum")
      .at_least(0)
      .at_most(1000000)
      .smoke(200);
  o.file("out", &S::out, ValueKind::output_file, "result file");
  return o;
}

Charges make_charges(const Settings::ChargeSet& c) {
  const auto seed = static_cast<std::uint64_t>(c.seed);
  switch (c.kind) {
    case Settings::Kind::random:
      return random_charges(c.count, seed);
    case Settings::Kind::lattice: {
      const int n = static_cast<int>(c.lattice_n);
      const double h = 1.0 / n;
      return lattice(n, n, n, h, Eigen::Vector3d::Constant(h / 2));
    }
    case Settings::Kind::paired_lattices:
      return paired_slab_lattices();
    case Settings::Kind::biomolecule:
      return biomolecule_like(c.count, c.molecule_box, seed);
    case Settings::Kind::file:
      FF_REQUIRE(!c.file.empty(), InputError, "charges.kind = file needs charges.file");
      return read_charges(c.file.string());
  }
  throw RunError("unknown charge kind");
}

Box make_box(const Settings& s) {
  std::vector<double> extent = s.box;
  if (extent.empty()) {
    FF_REQUIRE(s.charges.kind != Settings::Kind::file, InputError,
               "box: charges from a file need the box [Lx, Ly, Lz] that holds them");
    const double side = s.charges.kind == Settings::Kind::biomolecule ? s.charges.molecule_box : 1.0;
    extent.assign(3, side);
  }
  FF_REQUIRE(extent.size() == 3, InputError, "box: expected [Lx, Ly, Lz], got {} values", extent.size());
  Box box;
  for (int a = 0; a < 3; ++a) {
    FF_REQUIRE(extent[a] > 0, InputError, "box: extent {} along axis {} is not positive", extent[a], a);
    box[a] = {0.0, extent[a]};
  }
  return box;
}

Eigen::VectorXd axis_points(const tensor::Interval& interval, long n) {
  return Eigen::VectorXd::LinSpaced(n, interval.lo, interval.hi);
}

}  // namespace

Schema ChebyshevTuckerStage::schema() { return options().schema(); }

ChebyshevTuckerStage::ChebyshevTuckerStage(const StageConfig& config) {
  const Settings s = options().read(config);
  box_ = make_box(s);
  charges_ = make_charges(s.charges);
  check_box_and_charges(charges_, box_);  // at validation, before anything runs
  grid_n_ = s.grid_n;
  check_points_ = s.check_points;
  out_ = s.out;

  if (s.r_c > 0) {
    parameters_ = parameters_for(s.r_c, box_, s.accuracy);
    choice_ = fmt::format("r_c = {} (given)", s.r_c);
  } else {
    Problem problem;
    problem.charges = charges_.size();
    problem.box = box_;
    problem.targets = TargetKind::kGrid;
    problem.target_count = grid_n_ * grid_n_ * grid_n_;
    problem.accuracy = s.accuracy;
    const ParameterChoice choice = choose_parameters(problem);
    parameters_ = choice.parameters;
    choice_ = choice.describe();
  }
  if (s.degree > 0) {
    FF_REQUIRE(s.degree >= parameters_.degree, InputError,
               "degree = {} cannot reach accuracy = {} at r_c = {:.4g}: the narrowest long-range Gaussian needs "
               "degree {}",
               s.degree, s.accuracy, parameters_.r_c, parameters_.degree);
    parameters_.degree = static_cast<int>(s.degree);
  }
}

void ChebyshevTuckerStage::run(const RunContext& context) {
  ScopedTimer timer("potential.chebyshev_tucker");
  spdlog::info("{}: {} charges; parameters: {}", context.stage_name, charges_.size(), choice_);
  RangeSeparatedPotential potential(charges_, box_, parameters_);
  const std::vector<Eigen::VectorXd> axes = {axis_points(box_[0], grid_n_), axis_points(box_[1], grid_n_),
                                             axis_points(box_[2], grid_n_)};
  const Eigen::VectorXd on_grid = potential.on_grid(axes);  // first index fastest: x
  const RangeSeparatedTimings times = potential.timings();
  const std::vector<int> ranks = potential.long_range().ranks();

  double check_error = -1.0;
  if (check_points_ > 0) {
    std::mt19937_64 random(context.seed + 7);
    Eigen::MatrixXd targets(check_points_, 3);
    for (int a = 0; a < 3; ++a) {
      std::uniform_real_distribution<double> along(box_[a].lo, box_[a].hi);
      for (long i = 0; i < check_points_; ++i) targets(i, a) = along(random);
    }
    const Eigen::VectorXd exact = direct_potential(charges_, targets);
    check_error = (potential.at_points(targets) - exact).norm() / exact.norm();
  }

  // The HDF5 grid is [x, y, z] with z fastest (C order); the evaluation has x fastest.
  const long n = grid_n_;
  std::vector<double> values(static_cast<std::size_t>(n * n * n));
  for (long i = 0; i < n; ++i)
    for (long j = 0; j < n; ++j)
      for (long k = 0; k < n; ++k) values[(i * n + j) * n + k] = on_grid[(k * n + j) * n + i];

  const auto side = static_cast<std::uint64_t>(n);
  DatasetLayout layout;
  layout.n_samples = 1;
  layout.grid.kind = "closed";
  layout.grid.shape = {n, n, n};
  layout.grid.extent = {box_[0].hi, box_[1].hi, box_[2].hi};
  const std::vector<std::pair<std::string, double>> attributes = {
      {"r_c", parameters_.r_c},
      {"cutoff", parameters_.cutoff},
      {"degree", parameters_.degree},
      {"tucker_tolerance", parameters_.tucker_tolerance},
      {"rank_x", ranks[0]},
      {"rank_y", ranks[1]},
      {"rank_z", ranks[2]},
      {"long_range_terms", potential.long_range_terms()},
      {"memory_bytes", static_cast<double>(potential.long_range().memory_bytes())},
      {"seconds_build_long_range", times.build_long_range},
      {"seconds_build_short_range", times.build_short_range},
      {"seconds_near", times.near},
      {"seconds_far", times.far},
      {"check_points", static_cast<double>(check_points_)},
      {"check_relative_l2", check_error}};
  layout.fields.push_back({"outputs/potential", {side, side, side}, DType::float64, attributes});
  layout.fields.push_back({"inputs/charges", {static_cast<std::uint64_t>(charges_.size()), 4}, DType::float64, {}});
  layout.split_contiguous(1, 0);

  std::vector<double> charge_rows(static_cast<std::size_t>(charges_.size() * 4));
  for (long i = 0; i < charges_.size(); ++i) {
    for (int a = 0; a < 3; ++a) charge_rows[i * 4 + a] = charges_.positions(i, a);
    charge_rows[i * 4 + 3] = charges_.q[i];
  }
  DatasetWriter writer(out_, layout, context.provenance());
  if (writer.local_samples().begin == 0) {
    writer.write_sample("outputs/potential", 0, values.data());
    writer.write_sample("inputs/charges", 0, charge_rows.data());
  }
  writer.commit();

  spdlog::info(
      "{}: r_c = {:.4g}, degree {}, Tucker ranks {}x{}x{} ({:.1f} kB), build {:.3g} s + near {:.3g} s + far {:.3g} s "
      "on {}^3; relative l2 vs direct sum at {} points: {:.3g}",
      context.stage_name, parameters_.r_c, parameters_.degree, ranks[0], ranks[1], ranks[2],
      potential.long_range().memory_bytes() / 1024.0, times.build_long_range + times.build_short_range, times.near,
      times.far, n, check_points_, check_error);
}

}  // namespace ff::potentials
