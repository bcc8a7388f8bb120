#include "solvers/sphere/williamson.hpp"

#include <cmath>

namespace ff::sphere {
namespace {

constexpr double pi = 3.14159265358979323846;

double latitude(const SphereGrid& g, int j) { return 0.5 * pi - g.theta[j]; }

ShallowWaterState sized(const SphereGrid& g) {
  const std::size_t n = static_cast<std::size_t>(g.nlat) * g.nlon;
  return {std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
}

}  // namespace

ShallowWaterState williamson2(const SphereGrid& g, const PlanetConstants& p, double alpha) {
  const double u0 = 2.0 * pi * p.radius / (12.0 * 86400.0), gh0 = 2.94e4;
  ShallowWaterState s = sized(g);
  for (int j = 0; j < g.nlat; ++j)
    for (int k = 0; k < g.nlon; ++k) {
      const double phi = latitude(g, j), lambda = g.longitude(k);
      const long i = static_cast<long>(j) * g.nlon + k;
      const double rotated = -std::cos(lambda) * std::cos(phi) * std::sin(alpha) + std::sin(phi) * std::cos(alpha);
      s.u[i] = u0 * (std::cos(phi) * std::cos(alpha) + std::cos(lambda) * std::sin(phi) * std::sin(alpha));
      s.v[i] = -u0 * std::sin(lambda) * std::sin(alpha);
      s.h[i] = (gh0 - (p.radius * p.omega * u0 + 0.5 * u0 * u0) * rotated * rotated) / p.gravity;
    }
  return s;
}

std::vector<double> williamson2_coriolis(const SphereGrid& g, const PlanetConstants& p, double alpha) {
  std::vector<double> f(static_cast<std::size_t>(g.nlat) * g.nlon);
  for (int j = 0; j < g.nlat; ++j)
    for (int k = 0; k < g.nlon; ++k) {
      const double phi = latitude(g, j), lambda = g.longitude(k);
      f[static_cast<long>(j) * g.nlon + k] =
          2.0 * p.omega * (-std::cos(lambda) * std::cos(phi) * std::sin(alpha) + std::sin(phi) * std::cos(alpha));
    }
  return f;
}

ShallowWaterState rossby_haurwitz(const SphereGrid& g, const PlanetConstants& p) {
  const double omega = 7.848e-6, K = 7.848e-6, h0 = 8000.0;
  const int R = 4;
  const double a = p.radius;
  ShallowWaterState s = sized(g);
  for (int j = 0; j < g.nlat; ++j) {
    const double phi = latitude(g, j), c = std::cos(phi), sn = std::sin(phi);
    const double cR = std::pow(c, R), c2 = c * c;
    const double A = 0.5 * omega * (2.0 * p.omega + omega) * c2 +
                     0.25 * K * K * std::pow(c, 2 * R) * ((R + 1) * c2 + (2.0 * R * R - R - 2) - 2.0 * R * R / c2);
    const double B = 2.0 * (p.omega + omega) * K / ((R + 1.0) * (R + 2.0)) * cR *
                     ((R * R + 2.0 * R + 2) - (R + 1.0) * (R + 1.0) * c2);
    const double C = 0.25 * K * K * std::pow(c, 2 * R) * ((R + 1) * c2 - (R + 2.0));
    for (int k = 0; k < g.nlon; ++k) {
      const double lambda = g.longitude(k);
      const long i = static_cast<long>(j) * g.nlon + k;
      s.u[i] = a * omega * c + a * K * std::pow(c, R - 1) * (R * sn * sn - c2) * std::cos(R * lambda);
      s.v[i] = -a * K * R * std::pow(c, R - 1) * sn * std::sin(R * lambda);
      s.h[i] = h0 + a * a * (A + B * std::cos(R * lambda) + C * std::cos(2 * R * lambda)) / p.gravity;
    }
  }
  return s;
}

ShallowWaterState galewsky(const SphereGrid& g, const PlanetConstants& p, bool perturbed) {
  const double umax = 80.0, phi0 = pi / 7.0, phi1 = 0.5 * pi - phi0;
  const double en = std::exp(-4.0 / ((phi1 - phi0) * (phi1 - phi0)));
  const auto jet = [&](double phi) {
    return (phi <= phi0 || phi >= phi1) ? 0.0 : umax / en * std::exp(1.0 / ((phi - phi0) * (phi - phi1)));
  };
  // Balance: g dh/dφ = −a u (f + u tan φ / a), integrated from the south pole
  // with the composite Simpson rule on a fine latitude grid, then shifted so
  // that the mean depth is 10 km.
  const int fine = 20000;
  std::vector<double> phis(fine + 1), heights(fine + 1, 0.0);
  const auto slope = [&](double phi) {
    const double u = jet(phi);
    return -p.radius * u * (2.0 * p.omega * std::sin(phi) + u * std::tan(phi) / p.radius) / p.gravity;
  };
  const double step = pi / fine;
  for (int i = 0; i <= fine; ++i) phis[i] = -0.5 * pi + i * step;
  for (int i = 1; i <= fine; ++i) {
    const double mid = 0.5 * (phis[i - 1] + phis[i]);
    heights[i] = heights[i - 1] + step / 6.0 * (slope(phis[i - 1]) + 4.0 * slope(mid) + slope(phis[i]));
  }
  const auto balanced = [&](double phi) {
    const double x = (phi + 0.5 * pi) / step;
    const int i = std::min(fine - 1, std::max(0, static_cast<int>(x)));
    const double t = x - i;
    return (1 - t) * heights[i] + t * heights[i + 1];
  };
  double mean = 0;
  for (int j = 0; j < g.nlat; ++j) mean += 0.5 * g.weights[j] * balanced(latitude(g, j));
  const double shift = 10000.0 - mean;

  const double hhat = 120.0, phi2 = 0.25 * pi, alpha = 1.0 / 3.0, beta = 1.0 / 15.0;
  ShallowWaterState s = sized(g);
  for (int j = 0; j < g.nlat; ++j) {
    const double phi = latitude(g, j);
    for (int k = 0; k < g.nlon; ++k) {
      const long i = static_cast<long>(j) * g.nlon + k;
      double lambda = g.longitude(k);
      if (lambda > pi) lambda -= 2.0 * pi;
      s.u[i] = jet(phi);
      s.v[i] = 0.0;
      s.h[i] = balanced(phi) + shift;
      if (perturbed)
        s.h[i] += hhat * std::cos(phi) * std::exp(-(lambda / alpha) * (lambda / alpha)) *
                  std::exp(-((phi2 - phi) / beta) * ((phi2 - phi) / beta));
    }
  }
  return s;
}

NormalizedErrors normalized_errors(const SphereGrid& g, const std::vector<double>& h,
                                   const std::vector<double>& truth) {
  double l1 = 0, l1t = 0, l2 = 0, l2t = 0, linf = 0, linft = 0;
  for (int j = 0; j < g.nlat; ++j)
    for (int k = 0; k < g.nlon; ++k) {
      const long i = static_cast<long>(j) * g.nlon + k;
      const double e = h[i] - truth[i];
      l1 += g.weights[j] * std::abs(e);
      l1t += g.weights[j] * std::abs(truth[i]);
      l2 += g.weights[j] * e * e;
      l2t += g.weights[j] * truth[i] * truth[i];
      linf = std::max(linf, std::abs(e));
      linft = std::max(linft, std::abs(truth[i]));
    }
  return {l1 / l1t, std::sqrt(l2 / l2t), linf / linft};
}

}  // namespace ff::sphere
