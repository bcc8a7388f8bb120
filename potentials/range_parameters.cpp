#include "potentials/range_parameters.hpp"

#include "core/error.hpp"
#include "potentials/gaussian_sum.hpp"
#include "potentials/short_range.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace ff::potentials {

namespace {

// Shares of the accuracy ε given to each error source: the neglected erfc
// tail (erfc(X) ≤ share·ε), the Gaussian sum, the Chebyshev interpolation of
// the narrowest Gaussian and the Tucker truncations. Calibrated on N = 10⁴
// random mixed-sign charges in [0,1]³ at ε = 1e-6: with every share 1 the
// total relative l2 error was 5.5e-7, with every share 0.1 it was 5.6e-8;
// setting one share to 1 and the others to 0.1 gave 1.1e-7 (cutoff),
// 1.3e-7 (Gaussian sum), 2.8e-7 (degree), 4.1e-7 (Tucker). The sources add
// less than linearly, so full shares keep a margin of ~2.
constexpr double kCutoffShare = 1.0;
constexpr double kGaussianShare = 1.0;
constexpr double kDegreeShare = 1.0;
constexpr double kTuckerShare = 1.0;

// Cost constants of this code measured on the development machine (one core
// of an AVX-512 EPYC; seconds per operation), for ranking r_c only: a
// short-range pair (grid sum, 24-term polynomial), one Gaussian sample with
// its share of the DCT, one flop of the RHOSVD and Tucker algebra (Eigen
// GEMMs in the project's generic x86-64 build).
constexpr double kNearPairSeconds = 1.75e-9;
constexpr double kExpSeconds = 8e-9;
constexpr double kFlopSeconds = 1e-10;
// Tucker rank / Chebyshev degree observed for evenly spread charges.
constexpr double kRankPerDegree = 0.66;
// Σ over widths of (cost of width k) / (cost of the narrowest width).
constexpr double kNarrowWidthEquivalents = 7.0;

double box_volume(const Box& box) { return box[0].length() * box[1].length() * box[2].length(); }
double box_diagonal(const Box& box) {
  return std::sqrt(box[0].length() * box[0].length() + box[1].length() * box[1].length() +
                   box[2].length() * box[2].length());
}

}  // namespace

int chebyshev_degree_for(double exponent, const tensor::Interval& interval, double tolerance, int max_degree) {
  constexpr int kCentres = 9, kChecks = 400;
  Eigen::VectorXd x(kChecks);
  for (int i = 0; i < kChecks; ++i) x(i) = interval.lo + interval.length() * (i + 0.5) / kChecks;
  auto max_error = [&](int degree) {
    const tensor::ChebyshevAxis axis(interval, degree);
    Eigen::MatrixXd values(axis.size(), kCentres), exact(kChecks, kCentres);
    for (int c = 0; c < kCentres; ++c) {
      const double centre = interval.lo + interval.length() * c / (kCentres - 1.0);
      values.col(c) = (-exponent * (axis.nodes().array() - centre).square()).exp().matrix();
      exact.col(c) = (-exponent * (x.array() - centre).square()).exp().matrix();
    }
    return (axis.basis(x) * axis.coefficients(values) - exact).cwiseAbs().maxCoeff();
  };
  // The Gaussian's width in Chebyshev variables sets the start: degree ~ L √p.
  int degree = std::max(4, static_cast<int>(0.5 * interval.length() * std::sqrt(exponent)));
  while (degree <= max_degree && max_error(degree) > tolerance) ++degree;
  FF_REQUIRE(degree <= max_degree, InputError,
             "Chebyshev degree {} cannot reach accuracy {:g} for a Gaussian of exponent {:g}; degree {} or more "
             "would (or raise r_c)",
             max_degree, tolerance, exponent, [&] {
               int d = max_degree;
               while (max_error(d) > tolerance && d < tensor::ChebyshevAxis::kMaxDegree) d = d * 5 / 4;
               return d;
             }());
  return degree;
}

RangeParameters parameters_for(double r_c, const Box& box, double accuracy) {
  FF_REQUIRE(accuracy >= 1e-9 && accuracy < 0.1, InputError,
             "range-separated potential: accuracy must lie in [1e-9, 0.1), got {:g}", accuracy);
  RangeParameters p;
  p.r_c = r_c;
  double x = 1.0;
  while (std::erfc(x) > kCutoffShare * accuracy && x < ShortRangeKernel::kMaxCutoffRatio) x += 0.05;
  p.cutoff = std::min(x, ShortRangeKernel::kMaxCutoffRatio) * r_c;
  p.gaussian_accuracy = std::max(1e-13, kGaussianShare * accuracy);
  p.tucker_tolerance = kTuckerShare * accuracy;
  GaussianSumOptions options;
  options.accuracy = p.gaussian_accuracy;
  options.r_max = box_diagonal(box);
  const GaussianSum sum = newton_long_range_sum(r_c, options);
  const auto widest_axis =
      *std::max_element(box.begin(), box.end(), [](const auto& a, const auto& b) { return a.length() < b.length(); });
  p.degree_tolerance = kDegreeShare * accuracy;
  p.degree = chebyshev_degree_for(sum.terms().back().exponent, widest_axis, p.degree_tolerance, 1024);
  return p;
}

std::string ParameterChoice::describe() const {
  return fmt::format(
      "r_c = {:.4g}, cutoff = {:.4g}, degree = {}, Tucker tolerance = {:.2g}, Gaussian accuracy = {:.2g}, "
      "{} long-range Gaussians, predicted rank {}, predicted near {:.3g} s + far {:.3g} s",
      parameters.r_c, parameters.cutoff, parameters.degree, parameters.tucker_tolerance, parameters.gaussian_accuracy,
      long_range_terms, predicted_rank, predicted_near_seconds, predicted_far_seconds);
}

ParameterChoice predict(const Problem& problem, double r_c) {
  FF_REQUIRE(problem.charges >= 1 && problem.target_count >= 1, InputError,
             "parameter choice: need charges and targets, got {} and {}", problem.charges, problem.target_count);
  const double volume = box_volume(problem.box), density = problem.charges / volume;
  ParameterChoice c;
  c.parameters = parameters_for(r_c, problem.box, problem.accuracy);
  GaussianSumOptions options;
  options.accuracy = c.parameters.gaussian_accuracy;
  options.r_max = box_diagonal(problem.box);
  c.long_range_terms = newton_long_range_sum(r_c, options).size();
  const double n1 = c.parameters.degree + 1.0, cut = c.parameters.cutoff;
  const double r = std::min(n1, kRankPerDegree * c.parameters.degree);
  c.predicted_rank = static_cast<int>(std::lround(r));
  // Build: per Gaussian width one RHOSVD whose degree and rank shrink
  // geometrically from the narrowest, so the sums over widths are a few
  // times the narrowest term's cost.
  const double widths = kNarrowWidthEquivalents;
  const double build = 3 * problem.charges * n1 * c.long_range_terms * kExpSeconds +
                       widths * problem.charges * (3 * 2 * n1 * n1 + 3 * 2 * r * n1 + 2 * r * r * r) * kFlopSeconds;
  double near_pairs = 0, evaluate = 0;
  if (problem.targets == TargetKind::kGrid) {
    near_pairs = problem.charges * (4.0 * M_PI / 3.0) * cut * cut * cut * (problem.target_count / volume);
    evaluate = 2 * r * problem.target_count * kFlopSeconds;
  } else {
    // 5³ cells of side ≥ cutoff/2 around each target.
    near_pairs = problem.target_count * 15.6 * cut * cut * cut * density;
    evaluate = problem.target_count * (3 * 2 * n1 * r + 2 * r * r * r) * kFlopSeconds;
  }
  c.predicted_near_seconds = near_pairs * kNearPairSeconds;
  c.predicted_far_seconds = build + evaluate;
  return c;
}

ParameterChoice choose_parameters(const Problem& problem) {
  double shortest = problem.box[0].length();
  for (const auto& a : problem.box) shortest = std::min(shortest, a.length());
  ParameterChoice best;
  double best_cost = HUGE_VAL;
  int worse = 0;
  // The cost is unimodal in r_c (near field ~ r_c³, long range ~ r_c⁻³):
  // stop three rungs after the minimum.
  for (double r_c = 0.4 * shortest; r_c >= 0.005 * shortest && worse < 3; r_c *= 0.9) {
    const ParameterChoice c = predict(problem, r_c);
    const double cost = c.predicted_near_seconds + c.predicted_far_seconds;
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
      worse = 0;
    } else {
      ++worse;
    }
  }
  return best;
}

}  // namespace ff::potentials
