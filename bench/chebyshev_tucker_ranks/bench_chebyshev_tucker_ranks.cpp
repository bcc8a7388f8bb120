// Rank-versus-accuracy tables of the Chebyshev–Tucker format (issue 27): one
// case per run, one JSON object on stdout (run.py collects them).
//
//   bench_chebyshev_tucker_ranks kernel NAME EPS R_MIN   NAME: newton | slater | yukawa | long_range:R_C
//                                                        (R_MIN is ignored for long_range)
//   bench_chebyshev_tucker_ranks sum    SET  EPS R_C GRID_N   SET: lattice:L | paired_slabs | random:N
//
// kernel: a radial kernel on the box [−1,1]³ with its singularity at the
// centre, built the way the method builds it: 1. the kernel as a Gaussian sum
// accurate to EPS (pointwise relative) on [R_MIN, √3] (erf(r/r_c)/r: on
// [0, √3]), its negligible narrowest terms dropped (kept_terms); 2. the
// Chebyshev degree at which every Gaussian interpolates to within EPS of the
// kernel's smallest value (kernel_degree); 3. per axis the Chebyshev
// coefficients of the K one-dimensional Gaussians, a CP tensor of rank K;
// 4. RHOSVD(EPS) to a Tucker tensor. Errors against the exact kernel on two sets of 10⁴ random
// points with |x| ≥ R_MIN: uniform in the box (relative l2 and max) and
// log-uniform in radius from R_MIN to 1 (max pointwise relative error, the
// region a uniform sample hardly visits).
//
// sum: the range-separated Newton potential of a charge set in [0,1]³ at
// fixed r_c (parameters_for: cutoff, degree, tolerances from EPS): build,
// evaluation on a GRID_N³ uniform grid, relative l2 error at 1000 random
// points against the direct sum, and the direct sum's time for the grid,
// measured on a random subset of grid points and scaled (every target costs
// the same N pairs).
#include "core/error.hpp"
#include "core/rng.hpp"
#include "potentials/direct_sum.hpp"
#include "potentials/range_separated.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

namespace fp = ff::potentials;
namespace ft = ff::tensor;

namespace {

constexpr long kKernelTestPoints = 10000;
constexpr long kSumTestPoints = 1000;
// Pairs the direct-sum timing subset holds (about 0.1 s at 0.5 ns/pair).
constexpr double kDirectTimingPairs = 2e8;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ranks_json(const std::vector<int>& r) { return fmt::format("[{}, {}, {}]", r[0], r[1], r[2]); }

// A command-line number, or an InputError naming the argument.
double number(const std::string& text, const char* name) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
  }
  FF_REQUIRE(used > 0 && used == text.size() && std::isfinite(value), ff::InputError, "{} must be a number, got '{}'",
             name, text);
  return value;
}

// ---------------------------------------------------------------- kernels

struct Kernel {
  std::function<double(double)> exact;
  fp::GaussianSum sum;
  double r_min;  // 0: smooth at the origin
};

// erf(r/r_c)/r, with its limit 2/(√π r_c) at r = 0.
double long_range_exact(double r, double r_c) { return r > 0 ? std::erf(r / r_c) / r : 2 / (std::sqrt(M_PI) * r_c); }

// Drops the narrowest Gaussians while together they stay below a tenth of ε
// times the kernel, pointwise on [r_min, r_max] (600 log-spaced radii). The
// sums are fitted on that range but keep terms far narrower than r_min
// (Slater: a lumped cusp term of width ~1e-6), which change nothing there and
// would only set the Chebyshev degree. The error of the kept sum is measured
// on the same radii.
fp::GaussianSum kept_terms(const fp::GaussianSum& sum, const std::function<double(double)>& exact, double r_min,
                           double eps) {
  constexpr int kRadii = 600;
  const double r_max = std::sqrt(3.0);
  Eigen::ArrayXd r(kRadii), f(kRadii);
  for (int i = 0; i < kRadii; ++i) {
    r(i) = r_min * std::pow(r_max / r_min, i / (kRadii - 1.0));
    f(i) = exact(r(i));
  }
  std::vector<fp::GaussianTerm> terms = sum.terms();  // widest first
  Eigen::ArrayXd dropped = Eigen::ArrayXd::Zero(kRadii);
  while (terms.size() > 1) {
    const Eigen::ArrayXd next = dropped + terms.back().weight * (-terms.back().exponent * r.square()).exp();
    if ((next / f).abs().maxCoeff() > 0.1 * eps) break;
    dropped = next;
    terms.pop_back();
  }
  Eigen::ArrayXd kept = Eigen::ArrayXd::Zero(kRadii);
  for (const auto& t : terms) kept += t.weight * (-t.exponent * r.square()).exp();
  const double error = ((kept - f) / f).abs().maxCoeff();
  return fp::GaussianSum(std::move(terms), sum.step(), error);
}

// R_MIN is ignored for long_range:R_C, which is smooth and tested to r = 0.
Kernel make_kernel(const std::string& name, double eps, double r_min) {
  constexpr double kLambda = 1.0;
  fp::GaussianSumOptions options;
  options.accuracy = eps;
  options.r_max = std::sqrt(3.0);  // centre to corner of [−1,1]³
  if (name.rfind("long_range:", 0) == 0) {
    const double r_c = number(name.substr(11), "R_C of long_range:R_C");
    return {[r_c](double r) { return long_range_exact(r, r_c); }, fp::newton_long_range_sum(r_c, options), 0.0};
  }
  options.r_min = r_min;
  auto singular = [&](std::function<double(double)> exact, const fp::GaussianSum& sum) {
    return Kernel{exact, kept_terms(sum, exact, r_min, eps), r_min};
  };
  if (name == "newton") return singular([](double r) { return 1 / r; }, fp::newton_sum(options));
  if (name == "slater")
    return singular([](double r) { return std::exp(-kLambda * r); }, fp::slater_sum(kLambda, options));
  if (name == "yukawa")
    return singular([](double r) { return std::exp(-kLambda * r) / r; }, fp::yukawa_sum(kLambda, options));
  throw ff::InputError(fmt::format("unknown kernel '{}' (newton, slater, yukawa, long_range:R_C)", name));
}

// Max error of the degree-n Chebyshev interpolant of exp(−p x²) on `box`,
// relative to its peak, on a uniform check grid: at least 4(n + 1) points
// (about six per node spacing at the centre, where the nodes are sparsest)
// and four per Gaussian width 1/√p, an odd count so that the peak is on it.
double interpolation_error(double p, const ft::Interval& box, int degree) {
  const ft::ChebyshevAxis axis(box, degree);
  const Eigen::VectorXd values = (-p * axis.nodes().array().square()).exp().matrix();
  const long checks = std::max(4 * long(axis.size()), long(4 * box.length() * std::sqrt(p))) | 1;
  const Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(checks, box.lo, box.hi);
  const Eigen::VectorXd exact = (-p * x.array().square()).exp().matrix();
  return (axis.basis(x) * axis.coefficients(values) - exact).cwiseAbs().maxCoeff();
}

// Smallest degree at which exp(−p x²) interpolates to `tolerance` of its
// peak: doubling, then bisection (the error falls with the degree once the
// Gaussian is resolved). All kernel Gaussians are centred at 0, the point of
// widest node spacing, so one centre suffices (potentials::chebyshev_degree_for
// tries nine, for charges anywhere, one degree at a time: 20 s to reach
// degree 3726 here).
int degree_for(double p, const ft::Interval& box, double tolerance) {
  constexpr int kMaxDegree = 2048;  // the check grid is 4 n² doubles
  int lo = 4, hi = 8;
  while (interpolation_error(p, box, hi) > tolerance) {
    FF_REQUIRE(hi < kMaxDegree, ff::InputError,
               "kernel: a Gaussian of exponent {:g} needs a degree above {} for tolerance {:g}; raise r_min", p,
               kMaxDegree, tolerance);
    lo = hi + 1;
    hi = std::min(2 * hi, kMaxDegree);
  }
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    if (interpolation_error(p, box, mid) <= tolerance)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

// The degree the Gaussian sum needs for a pointwise relative error ε
// everywhere in the box: term k may add w_k · tolerance_k ≤ ε f(r_max), the
// kernel's smallest value on the box, so tolerance_k = ε f(r_max) / w_k.
// Terms with tolerance_k ≥ 1 need no resolution: their whole peak is within
// the budget.
int kernel_degree(const Kernel& kernel, const ft::Interval& box, double eps) {
  const double floor = eps * kernel.exact(std::sqrt(3.0) * box.hi);
  int degree = 4;
  for (const auto& term : kernel.sum.terms()) {
    const double tolerance = floor / std::abs(term.weight);
    if (tolerance < 1) degree = std::max(degree, degree_for(term.exponent, box, tolerance));
  }
  return degree;
}

// Σ_k w_k Π_d exp(−p_k x_d²) as a CP tensor of Chebyshev coefficients: the
// three axes are identical, so one K-column factor serves all of them.
ft::CpTensor gaussian_cp(const fp::GaussianSum& sum, const ft::ChebyshevAxis& axis) {
  const Eigen::ArrayXd x2 = axis.nodes().array().square();
  Eigen::MatrixXd values(axis.size(), sum.size());
  ft::CpTensor cp;
  cp.weights.resize(sum.size());
  for (int k = 0; k < sum.size(); ++k) {
    values.col(k) = (-sum.terms()[k].exponent * x2).exp().matrix();
    cp.weights(k) = sum.terms()[k].weight;
  }
  const Eigen::MatrixXd coefficients = axis.coefficients(values);
  cp.factors.assign(3, coefficients);
  return cp;
}

// Uniform points in [−1,1]³ with |x| ≥ r_min.
Eigen::MatrixXd uniform_points(long m, double r_min, ff::SampleRng& rng) {
  Eigen::MatrixXd p(m, 3);
  for (long i = 0; i < m;) {
    const Eigen::RowVector3d x(2 * rng.uniform() - 1, 2 * rng.uniform() - 1, 2 * rng.uniform() - 1);
    if (x.norm() >= r_min) p.row(i++) = x;
  }
  return p;
}

// |x| log-uniform in [max(r_min, 1e-3), 1], direction uniform on the sphere:
// inside the box because |x| ≤ 1.
Eigen::MatrixXd near_points(long m, double r_min, ff::SampleRng& rng) {
  const double lo = std::max(r_min, 1e-3);
  Eigen::MatrixXd p(m, 3);
  for (long i = 0; i < m; ++i) {
    const Eigen::RowVector3d dir(rng.normal(), rng.normal(), rng.normal());
    p.row(i) = lo * std::pow(1 / lo, rng.uniform()) * dir.normalized();
  }
  return p;
}

Eigen::VectorXd exact_values(const Kernel& kernel, const Eigen::MatrixXd& points) {
  Eigen::VectorXd f(points.rows());
  for (long i = 0; i < points.rows(); ++i) f(i) = kernel.exact(points.row(i).norm());
  return f;
}

int run_kernel(const std::string& name, double eps, double r_min) {
  const ft::Interval box{-1, 1};
  auto start = std::chrono::steady_clock::now();
  const Kernel kernel = make_kernel(name, eps, r_min);
  const double sum_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  const int degree = kernel_degree(kernel, box, eps);
  const double degree_seconds = seconds_since(start);

  start = std::chrono::steady_clock::now();
  const ft::ChebyshevAxis axis(box, degree);
  // rhosvd resolves singular values down to 1e-8 of the largest only.
  ft::TuckerTensor tucker = ft::rhosvd(gaussian_cp(kernel.sum, axis), std::max(eps, 1e-8));
  const ft::ChebyshevTucker ct({axis, axis, axis}, std::move(tucker));
  const double tucker_seconds = seconds_since(start);

  ff::SampleRng rng(27, 1, 0);
  const Eigen::MatrixXd uniform = uniform_points(kKernelTestPoints, kernel.r_min, rng);
  const Eigen::MatrixXd near = near_points(kKernelTestPoints, kernel.r_min, rng);
  const Eigen::VectorXd f = exact_values(kernel, uniform), f_near = exact_values(kernel, near);
  start = std::chrono::steady_clock::now();
  const Eigen::VectorXd g = ct.evaluate(uniform);
  const double evaluate_seconds = seconds_since(start);
  const Eigen::VectorXd g_near = ct.evaluate(near);
  const double pointwise = std::max(((g - f).array() / f.array()).abs().maxCoeff(),
                                    ((g_near - f_near).array() / f_near.array()).abs().maxCoeff());

  fmt::print(
      "{{\"table\": \"kernel\", \"kernel\": \"{}\", \"eps\": {:.0e}, "
      "\"box\": \"[-1,1]^3, kernel centred at the origin\", \"r_min\": {:g}, \"gaussians\": {}, \"widest_exponent\": "
      "{:.4e}, \"narrowest_exponent\": {:.4e}, "
      "\"gaussian_sum_error\": {:.3e}, \"degree\": {}, \"ranks\": {}, \"rel_l2_error\": {:.3e}, "
      "\"rel_max_error\": {:.3e}, \"pointwise_rel_max_error\": {:.3e}, \"gaussian_sum_s\": {:.4f}, \"degree_s\": "
      "{:.4f}, \"tucker_s\": {:.4f}, \"build_s\": {:.4f}, \"evaluate_s_per_point\": {:.3e}, \"memory_bytes\": {}, "
      "\"test_points\": {}}}\n",
      name, eps, kernel.r_min, kernel.sum.size(), kernel.sum.terms().front().exponent,
      kernel.sum.terms().back().exponent, kernel.sum.measured_error(), degree, ranks_json(ct.ranks()),
      (g - f).norm() / f.norm(), (g - f).cwiseAbs().maxCoeff() / f.cwiseAbs().maxCoeff(), pointwise, sum_seconds,
      degree_seconds, tucker_seconds, sum_seconds + degree_seconds + tucker_seconds, evaluate_seconds / uniform.rows(),
      ct.memory_bytes(), uniform.rows() + near.rows());
  return 0;
}

// ---------------------------------------------------------------- lattice and random sums

fp::Charges make_charges(const std::string& set) {
  if (set == "paired_slabs") return fp::paired_slab_lattices();
  if (set.rfind("lattice:", 0) == 0) {
    // L³ sites at the cell centres of [0,1]³.
    const int l = static_cast<int>(number(set.substr(8), "L of lattice:L"));
    return fp::lattice(l, l, l, 1.0 / l, Eigen::Vector3d::Constant(0.5 / l));
  }
  if (set.rfind("random:", 0) == 0) return fp::random_charges(std::lround(number(set.substr(7), "N of random:N")), 1);
  throw ff::InputError(fmt::format("unknown charge set '{}' (lattice:L, paired_slabs, random:N)", set));
}

Eigen::MatrixXd random_box_points(long m, ff::SampleRng& rng) {
  Eigen::MatrixXd p(m, 3);
  for (long i = 0; i < m; ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = rng.uniform();
  return p;
}

// Random points of the n³ grid, the subset the direct sum is timed on.
Eigen::MatrixXd grid_subset(const Eigen::VectorXd& axis, long m, ff::SampleRng& rng) {
  const long n = axis.size();
  Eigen::MatrixXd p(m, 3);
  for (long i = 0; i < m; ++i)
    for (int d = 0; d < 3; ++d) p(i, d) = axis(std::min(n - 1, static_cast<long>(rng.uniform() * n)));
  return p;
}

int run_sum(const std::string& set, double eps, double r_c, long grid_n) {
  const fp::Charges charges = make_charges(set);
  const long n = charges.size();
  const fp::Box box{ft::Interval{0, 1}, ft::Interval{0, 1}, ft::Interval{0, 1}};
  const fp::RangeParameters parameters = fp::parameters_for(r_c, box, eps);

  auto start = std::chrono::steady_clock::now();
  fp::RangeSeparatedPotential potential(charges, box, parameters);
  const double build_seconds = seconds_since(start);

  const Eigen::VectorXd axis = Eigen::VectorXd::LinSpaced(grid_n, 0.0, 1.0);
  start = std::chrono::steady_clock::now();
  const Eigen::VectorXd on_grid = potential.on_grid({axis, axis, axis});
  const double grid_seconds = seconds_since(start);
  const double near_seconds = potential.timings().near, far_seconds = potential.timings().far;

  ff::SampleRng rng(27, 2, 0);
  const Eigen::MatrixXd points = random_box_points(kSumTestPoints, rng);
  const Eigen::VectorXd ours = potential.at_points(points);
  const Eigen::VectorXd reference = fp::direct_potential(charges, points);

  const long grid_points = grid_n * grid_n * grid_n;
  const long subset = std::min(grid_points, std::max(1000L, static_cast<long>(kDirectTimingPairs / n)));
  const Eigen::MatrixXd timing_points = grid_subset(axis, subset, rng);
  start = std::chrono::steady_clock::now();
  fp::direct_potential(charges, timing_points);
  const double subset_seconds = seconds_since(start);
  const double direct_seconds = subset_seconds * grid_points / subset;

  const double ct_seconds = build_seconds + grid_seconds;
  fmt::print(
      "{{\"table\": \"sum\", \"set\": \"{}\", \"charges\": {}, \"eps\": {:.0e}, \"r_c\": {:g}, \"cutoff\": {:.4g}, "
      "\"degree\": {}, \"long_range_gaussians\": {}, \"ranks\": {}, \"rel_l2_error\": {:.3e}, "
      "\"rel_max_error\": {:.3e}, \"build_s\": {:.4f}, \"build_long_range_s\": {:.4f}, \"grid\": {}, "
      "\"grid_eval_s\": {:.4f}, \"grid_near_s\": {:.4f}, \"grid_far_s\": {:.4f}, \"direct_grid_s\": {:.4f}, "
      "\"direct_subset_targets\": {}, \"direct_ns_per_pair\": {:.4f}, \"ratio\": {:.3f}, \"memory_bytes\": {}}}\n",
      set, n, eps, r_c, parameters.cutoff, parameters.degree, potential.long_range_terms(),
      ranks_json(potential.long_range().ranks()), (ours - reference).norm() / reference.norm(),
      (ours - reference).cwiseAbs().maxCoeff() / reference.cwiseAbs().maxCoeff(), build_seconds,
      potential.timings().build_long_range, grid_n, grid_seconds, near_seconds, far_seconds, direct_seconds, subset,
      subset_seconds / (double(subset) * n) * 1e9, direct_seconds / ct_seconds, potential.long_range().memory_bytes());
  return 0;
}

int run(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "kernel" && argc == 5) return run_kernel(argv[2], number(argv[3], "EPS"), number(argv[4], "R_MIN"));
  if (mode == "sum" && argc == 6)
    return run_sum(argv[2], number(argv[3], "EPS"), number(argv[4], "R_C"), std::lround(number(argv[5], "GRID_N")));
  std::fprintf(stderr,
               "usage: %s kernel newton|slater|yukawa|long_range:R_C EPS R_MIN\n"
               "       %s sum lattice:L|paired_slabs|random:N EPS R_C GRID_N\n",
               argv[0], argv[0]);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const ff::Error& e) {
    std::fprintf(stderr, "bench_chebyshev_tucker_ranks: %s\n", e.what());
    return e.exit_code();
  }
}
