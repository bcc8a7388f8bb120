// Range-separated Chebyshev–Tucker potential against the direct sum, both in
// this run, and prints one JSON object.
//
//   bench_chebyshev_tucker grid   N GRID_N ACCURACY [R_C]   N random charges, GRID_N³ uniform grid on [0,1]³
//   bench_chebyshev_tucker points N M      ACCURACY [R_C]   N random charges, M random points in [0,1]³
//
// Steps: 1. random mixed-sign charges (seed 1); 2. parameters: r_c from the
// cost model unless given, then cutoff, degree and tolerances from the
// accuracy; 3. the CT potential, timed as build + near field + long-range
// evaluation; 4. the direct sum at a random subset of ≥ 2000 of the targets,
// timed and scaled to all targets (every target costs the same N pairs), and
// the relative l2 error of the CT potential on that subset.
#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/timer.hpp"
#include "potentials/direct_sum.hpp"
#include "potentials/range_separated.hpp"

#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fp = ff::potentials;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int run(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s grid|points N GRID_N|M ACCURACY [R_C]\n", argv[0]);
    return 2;
  }
  const std::string kind = argv[1];
  const long n = std::atol(argv[2]), m_arg = std::atol(argv[3]);
  const double accuracy = std::atof(argv[4]);
  const bool grid = kind == "grid";
  const long targets = grid ? m_arg * m_arg * m_arg : m_arg;

  const fp::Charges charges = fp::random_charges(n, 1);
  const fp::Box box{ff::tensor::Interval{0, 1}, ff::tensor::Interval{0, 1}, ff::tensor::Interval{0, 1}};
  fp::Problem problem{n, box, grid ? fp::TargetKind::kGrid : fp::TargetKind::kPoints, targets, accuracy};
  const fp::ParameterChoice choice =
      argc > 5 ? fp::predict(problem, std::atof(argv[5])) : fp::choose_parameters(problem);

  // Targets, and the subset the direct sum is run on.
  ff::SampleRng rng(2, 0, 0);
  std::vector<Eigen::VectorXd> axes;
  Eigen::MatrixXd points;
  if (grid) {
    for (int d = 0; d < 3; ++d) axes.push_back(Eigen::VectorXd::LinSpaced(m_arg, 0.0, 1.0));
  } else {
    points.resize(targets, 3);
    for (long i = 0; i < targets; ++i)
      for (int d = 0; d < 3; ++d) points(i, d) = rng.uniform();
  }
  const long subset = std::min(targets, std::max(2000L, static_cast<long>(4e8 / n)));
  std::vector<long> index(subset);
  Eigen::MatrixXd subset_points(subset, 3);
  for (long s = 0; s < subset; ++s) {
    index[s] = static_cast<long>(rng.uniform() * targets);
    if (grid) {
      const long i = index[s] % m_arg, j = index[s] / m_arg % m_arg, k = index[s] / (m_arg * m_arg);
      subset_points.row(s) << axes[0](i), axes[1](j), axes[2](k);
    } else {
      subset_points.row(s) = points.row(index[s]);
    }
  }

  auto start = std::chrono::steady_clock::now();
  fp::RangeSeparatedPotential potential(charges, box, choice.parameters);
  const Eigen::VectorXd phi = grid ? potential.on_grid(axes) : potential.at_points(points);
  const double ct_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  const Eigen::VectorXd reference = fp::direct_potential(charges, subset_points);
  const double subset_seconds = seconds_since(start);
  const double direct_seconds = subset_seconds * double(targets) / subset;
  Eigen::VectorXd ours(subset);
  for (long s = 0; s < subset; ++s) ours(s) = phi(index[s]);
  const double error = (ours - reference).norm() / reference.norm();
  const double max_error = (ours - reference).cwiseAbs().maxCoeff() / reference.cwiseAbs().maxCoeff();

  const auto& t = potential.timings();
  const auto ranks = potential.long_range().ranks();
  const auto& p = choice.parameters;
  std::printf(
      "{\"kind\": \"%s\", \"charges\": %ld, \"targets\": %ld, \"accuracy\": %.3g, \"r_c\": %.5g, \"cutoff\": %.5g, "
      "\"degree\": %d, \"tucker_tolerance\": %.3g, \"gaussian_accuracy\": %.3g, \"long_range_terms\": %d, "
      "\"ranks\": [%d, %d, %d], \"predicted_rank\": %d, \"predicted_near_s\": %.4f, \"predicted_far_s\": %.4f, "
      "\"ct_seconds\": %.4f, \"build_long_range_s\": %.4f, "
      "\"build_short_range_s\": %.4f, \"near_s\": %.4f, \"far_s\": %.4f, \"direct_seconds\": %.4f, "
      "\"direct_subset_targets\": %ld, \"direct_ns_per_pair\": %.4f, \"ratio\": %.3f, \"rel_l2_error\": %.3e, "
      "\"rel_max_error\": %.3e, \"ct_memory_bytes\": %zu, \"values_bytes\": %ld, \"threads\": %d}\n",
      kind.c_str(), n, targets, accuracy, p.r_c, p.cutoff, p.degree, p.tucker_tolerance, p.gaussian_accuracy,
      potential.long_range_terms(), ranks[0], ranks[1], ranks[2], choice.predicted_rank, choice.predicted_near_seconds,
      choice.predicted_far_seconds, ct_seconds, t.build_long_range, t.build_short_range, t.near, t.far, direct_seconds,
      subset, subset_seconds / (double(subset) * n) * 1e9, direct_seconds / ct_seconds, error, max_error,
      potential.long_range().memory_bytes(), targets * 8, omp_get_max_threads());
  std::fprintf(stderr, "%s", ff::timer_report().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const ff::Error& e) {
    std::fprintf(stderr, "bench_chebyshev_tucker: %s\n", e.what());
    return e.exit_code();
  }
}
