#include "potentials/gaussian_sum.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ff::potentials {

GaussianSum::GaussianSum(std::vector<GaussianTerm> terms, double step, double measured_error)
    : terms_(std::move(terms)), step_(step), measured_error_(measured_error) {
  std::sort(terms_.begin(), terms_.end(),
            [](const GaussianTerm& a, const GaussianTerm& b) { return a.exponent < b.exponent; });
}

double GaussianSum::operator()(double r) const {
  double sum = 0;
  for (const auto& t : terms_) sum += t.weight * std::exp(-t.exponent * r * r);
  return sum;
}

namespace {

const double kTwoOverSqrtPi = 2.0 / std::sqrt(M_PI);

// f(r) = ∫ density(s) exp(−exponent(s) r²) ds; outside [s_lo, s_hi] the
// integrand is negligible (below 1e-2 of the accuracy) on the check grid.
struct LaplaceIntegral {
  std::function<double(double)> exact;
  std::function<double(double)> density;
  std::function<double(double)> exponent;
  double s_lo = 0;
  double s_hi = 0;
  std::vector<double> check_r;
};

std::vector<double> log_spaced(double a, double b, int n) {
  std::vector<double> r(n);
  for (int i = 0; i < n; ++i) r[i] = a * std::pow(b / a, double(i) / (n - 1));
  return r;
}

double max_relative_error(const std::vector<double>& sum, const std::vector<double>& exact) {
  double err = 0;
  for (size_t j = 0; j < sum.size(); ++j) err = std::max(err, std::abs(sum[j] - exact[j]) / std::abs(exact[j]));
  return err;
}

// Trapezoidal nodes s_k = k h inside the window.
std::vector<GaussianTerm> trapezoidal_terms(const LaplaceIntegral& f, double h) {
  std::vector<GaussianTerm> terms;
  for (long k = std::lround(std::floor(f.s_lo / h)); k * h <= f.s_hi; ++k) {
    const double s = k * h;
    terms.push_back({h * f.density(s), f.exponent(s)});
  }
  return terms;
}

// Drops terms from both ends of the (exponent-sorted) trapezoidal sum while the
// error stays below `target`. The dropped terms at each end are not thrown away
// but merged into one Gaussian with their total weight W and weighted mean
// exponent M/W: that keeps the first two moments in r² (value and slope at the
// origin). At the wide end of the Newton sum the dropped tail is a near
// constant that a plain truncation would have to push down to ε·r_max⁻¹;
// the merged term removes ~ln(1/ε)/h terms.
std::vector<GaussianTerm> trim(const std::vector<GaussianTerm>& terms, const std::vector<double>& r,
                               const std::vector<double>& exact, double target) {
  const size_t m = r.size();
  const int n = static_cast<int>(terms.size());
  std::vector<double> interior(m, 0.0);
  for (const auto& t : terms)
    for (size_t j = 0; j < m; ++j) interior[j] += t.weight * std::exp(-t.exponent * r[j] * r[j]);

  struct Lump {
    double w = 0, wp = 0;
    double at(double rr) const { return w > 0 ? w * std::exp(-(wp / w) * rr * rr) : 0.0; }
  };
  Lump lo, hi;
  int a = 0, b = n - 1;
  std::vector<double> trial(m);
  auto error_without = [&](int k, const Lump& lo_new, const Lump& hi_new) {
    for (size_t j = 0; j < m; ++j)
      trial[j] = interior[j] - terms[k].weight * std::exp(-terms[k].exponent * r[j] * r[j]) + lo_new.at(r[j]) +
                 hi_new.at(r[j]);
    return max_relative_error(trial, exact);
  };
  auto accept = [&](int k) {
    for (size_t j = 0; j < m; ++j) interior[j] -= terms[k].weight * std::exp(-terms[k].exponent * r[j] * r[j]);
  };
  bool progress = true;
  while (progress && b - a >= 1) {
    progress = false;
    Lump lo_new{lo.w + terms[a].weight, lo.wp + terms[a].weight * terms[a].exponent};
    if (error_without(a, lo_new, hi) <= target) {
      accept(a++);
      lo = lo_new;
      progress = true;
    }
    Lump hi_new{hi.w + terms[b].weight, hi.wp + terms[b].weight * terms[b].exponent};
    if (b - a >= 1 && error_without(b, lo, hi_new) <= target) {
      accept(b--);
      hi = hi_new;
      progress = true;
    }
  }
  std::vector<GaussianTerm> kept;
  if (lo.w > 0) kept.push_back({lo.w, lo.wp / lo.w});
  for (int k = a; k <= b; ++k) kept.push_back(terms[k]);
  if (hi.w > 0) kept.push_back({hi.w, hi.wp / hi.w});
  return kept;
}

std::vector<double> evaluate(const std::vector<GaussianTerm>& terms, const std::vector<double>& r) {
  std::vector<double> sum(r.size(), 0.0);
  for (const auto& t : terms)
    for (size_t j = 0; j < r.size(); ++j) sum[j] += t.weight * std::exp(-t.exponent * r[j] * r[j]);
  return sum;
}

// The largest step whose untrimmed sum reaches half the accuracy (the sinc
// error falls like exp(−2πd/h) for a strip of half-width d, so this search
// ends after a few tries), then the cheapest end terms are trimmed.
GaussianSum fit(const LaplaceIntegral& f, double accuracy) {
  std::vector<double> exact(f.check_r.size());
  for (size_t j = 0; j < exact.size(); ++j) exact[j] = f.exact(f.check_r[j]);
  for (double h = 1.0; h > 0.02; h *= 0.95) {
    const auto terms = trapezoidal_terms(f, h);
    if (max_relative_error(evaluate(terms, f.check_r), exact) > 0.5 * accuracy) continue;
    const auto kept = trim(terms, f.check_r, exact, 0.9 * accuracy);
    return GaussianSum(kept, h, max_relative_error(evaluate(kept, f.check_r), exact));
  }
  throw RunError(fmt::format("Gaussian sum: no quadrature step reaches accuracy {:g}", accuracy));
}

void check_options(const GaussianSumOptions& o) {
  FF_REQUIRE(o.accuracy >= 1e-13 && o.accuracy < 0.1, InputError,
             "Gaussian sum: accuracy must lie in [1e-13, 0.1), got {:g}", o.accuracy);
  FF_REQUIRE(o.r_min > 0 && o.r_max > o.r_min, InputError,
             "Gaussian sum: need 0 < r_min < r_max, got r_min = {:g}, r_max = {:g}", o.r_min, o.r_max);
}

// Window of s = ln t in which a kernel with Newton-like wide end (weight ~ e^s)
// and Gaussian narrow end (exp(−r_min² e^{2s})) has all its mass: below s_lo
// the tail 2/√π e^{s} r is under 1e-2 ε relative to 1/r; above s_hi the
// narrowest check point sees exp(−36).
double newton_s_lo(const GaussianSumOptions& o) { return std::log(0.01 * o.accuracy / (kTwoOverSqrtPi * o.r_max)); }
double narrow_s_hi(double r_min) { return std::log(6.0 / r_min); }
constexpr int kCheckPoints = 600;

}  // namespace

GaussianSum newton_sum(const GaussianSumOptions& o) {
  check_options(o);
  LaplaceIntegral f;
  f.exact = [](double r) { return 1.0 / r; };
  f.density = [](double s) { return kTwoOverSqrtPi * std::exp(s); };
  f.exponent = [](double s) { return std::exp(2 * s); };
  f.s_lo = newton_s_lo(o);
  f.s_hi = narrow_s_hi(o.r_min);
  f.check_r = log_spaced(o.r_min, o.r_max, kCheckPoints);
  return fit(f, o.accuracy);
}

GaussianSum yukawa_sum(double lambda, const GaussianSumOptions& o) {
  check_options(o);
  FF_REQUIRE(lambda > 0, InputError, "Yukawa kernel: lambda must be > 0, got {:g}", lambda);
  LaplaceIntegral f;
  f.exact = [lambda](double r) { return std::exp(-lambda * r) / r; };
  f.density = [lambda](double s) { return kTwoOverSqrtPi * std::exp(s - 0.25 * lambda * lambda * std::exp(-2 * s)); };
  f.exponent = [](double s) { return std::exp(2 * s); };
  // exp(−λ² e^{−2s}/4) < e^{−45} below ln(λ/(2√45)).
  f.s_lo = std::max(newton_s_lo(o), std::log(lambda / (2 * std::sqrt(45.0))));
  f.s_hi = narrow_s_hi(o.r_min);
  f.check_r = log_spaced(o.r_min, o.r_max, kCheckPoints);
  return fit(f, o.accuracy);
}

GaussianSum slater_sum(double lambda, const GaussianSumOptions& o) {
  check_options(o);
  FF_REQUIRE(lambda > 0, InputError, "Slater kernel: lambda must be > 0, got {:g}", lambda);
  LaplaceIntegral f;
  f.exact = [lambda](double r) { return std::exp(-lambda * r); };
  f.density = [lambda](double s) {
    return lambda / std::sqrt(M_PI) * std::exp(-s - 0.25 * lambda * lambda * std::exp(-2 * s));
  };
  f.exponent = [](double s) { return std::exp(2 * s); };
  f.s_lo = std::log(lambda / (2 * std::sqrt(45.0)));
  // The weights fall only like e^{−s} at the narrow end, so the window also
  // runs until they are below 1e-2 ε.
  f.s_hi = std::max(narrow_s_hi(o.r_min), std::log(100 * lambda / (std::sqrt(M_PI) * o.accuracy)));
  f.check_r = log_spaced(o.r_min, o.r_max, kCheckPoints);
  return fit(f, o.accuracy);
}

GaussianSum newton_long_range_sum(double r_c, const GaussianSumOptions& o) {
  check_options(o);
  FF_REQUIRE(r_c > 0 && r_c < o.r_max, InputError, "long-range kernel: need 0 < r_c < r_max = {:g}, got r_c = {:g}",
             o.r_max, r_c);
  const double T = 1.0 / r_c;
  LaplaceIntegral f;
  f.exact = [r_c](double r) { return r > 0 ? std::erf(r / r_c) / r : kTwoOverSqrtPi / r_c; };
  f.density = [T](double s) { return kTwoOverSqrtPi * T * std::exp(s - std::exp(s)); };
  f.exponent = [T](double s) {
    const double t = -T * std::expm1(-std::exp(s));
    return t * t;
  };
  // Wide end as for Newton (t ≈ T e^s); at e^s = 40 the Jacobian is e^{−40}.
  f.s_lo = std::log(0.01 * o.accuracy / (kTwoOverSqrtPi * T * o.r_max));
  f.s_hi = std::log(40.0);
  f.check_r = log_spaced(1e-3 * r_c, o.r_max, kCheckPoints);
  f.check_r.insert(f.check_r.begin(), 0.0);
  return fit(f, o.accuracy);
}

}  // namespace ff::potentials
