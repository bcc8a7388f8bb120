#include "solvers/sphere/sphere_grid.hpp"

#include "core/error.hpp"

#include <cmath>

namespace ff::sphere {
namespace {

constexpr double pi = 3.14159265358979323846;
constexpr long double pil = 3.141592653589793238462643383279502884L;

// P_n(x) and P_{n-1}(x) by the three-term recurrence, in extended precision:
// its rounding error grows with n, and the weights inherit it squared.
void legendre_pair(int n, long double x, long double& pn, long double& pn1) {
  long double p0 = 1.0L, p1 = x;
  for (int k = 2; k <= n; ++k) {
    const long double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  pn = n == 0 ? 1.0 : p1;
  pn1 = n == 0 ? 0.0 : p0;
}

// Newton's method in θ rather than x: near the poles 1 − x² loses digits that
// sin θ keeps, and sin^m θ at m ~ 2000 would amplify that loss a thousandfold.
void fill_gauss(SphereGrid& g) {
  const int n = g.nlat;
  for (int j = 0; j < (n + 1) / 2; ++j) {
    long double theta = pil * (j + 0.75) / (n + 0.5);
    long double pn = 0, pn1 = 0;
    for (int iteration = 0; iteration < 100; ++iteration) {
      const long double x = std::cos(theta), s = std::sin(theta);
      legendre_pair(n, x, pn, pn1);
      // dP_n/dθ = −sin θ P_n'(x) = −n (P_{n−1} − x P_n) / sin θ
      const long double step = pn / (n * (pn1 - x * pn) / s);
      theta += step;
      if (std::abs(step) < 1e-18L * theta) break;
    }
    const long double x = std::cos(theta), s = std::sin(theta);
    legendre_pair(n, x, pn, pn1);
    const long double w = 2.0L * s * s / ((long double)n * n * pn1 * pn1);
    g.theta[j] = static_cast<double>(theta);
    g.theta[n - 1 - j] = static_cast<double>(pil - theta);
    g.weights[j] = g.weights[n - 1 - j] = static_cast<double>(w);
  }
  if (n % 2 == 1) g.theta[n / 2] = pi / 2;
}

// Clenshaw–Curtis weights on θ_j = π j / m, m = nlat − 1 (Waldvogel's cosine sum).
void fill_equiangular(SphereGrid& g) {
  const int m = g.nlat - 1;
  for (int j = 0; j <= m; ++j) {
    const double theta = pi * j / m;
    double sum = 0;
    for (int k = 1; k <= m / 2; ++k) {
      const double b = (2 * k == m) ? 1.0 : 2.0;
      sum += b / (4.0 * k * k - 1.0) * std::cos(2.0 * k * theta);
    }
    const double c = (j == 0 || j == m) ? 1.0 : 2.0;
    g.theta[j] = theta;
    g.weights[j] = c / m * (1.0 - sum);
  }
}

}  // namespace

std::string to_string(GridKind kind) { return kind == GridKind::gauss ? "gauss" : "equiangular"; }

GridKind grid_kind_from_string(const std::string& name) {
  if (name == "gauss") return GridKind::gauss;
  if (name == "equiangular") return GridKind::equiangular;
  throw InputError(fmt::format("unknown sphere grid '{}': expected gauss or equiangular", name));
}

int SphereGrid::max_exact_degree() const { return kind == GridKind::gauss ? nlat - 1 : (nlat - 1) / 2; }

double SphereGrid::longitude(int k) const { return 2.0 * pi * k / nlon; }

SphereGrid make_sphere_grid(GridKind kind, int nlat, int nlon) {
  FF_REQUIRE(nlat >= 2, InputError, "a sphere grid needs at least 2 latitudes, got {}", nlat);
  FF_REQUIRE(nlon >= 1, InputError, "a sphere grid needs at least 1 longitude, got {}", nlon);
  SphereGrid g;
  g.kind = kind;
  g.nlat = nlat;
  g.nlon = nlon;
  g.theta.assign(nlat, 0.0);
  g.weights.assign(nlat, 0.0);
  if (kind == GridKind::gauss)
    fill_gauss(g);
  else
    fill_equiangular(g);
  g.cos_theta.resize(nlat);
  g.sin_theta.resize(nlat);
  for (int j = 0; j < nlat; ++j) {
    g.cos_theta[j] = std::cos(g.theta[j]);
    g.sin_theta[j] = std::sin(g.theta[j]);
  }
  // Exact symmetry about the equator, which the transforms rely on.
  for (int j = 0; j < nlat / 2; ++j) {
    g.cos_theta[nlat - 1 - j] = -g.cos_theta[j];
    g.sin_theta[nlat - 1 - j] = g.sin_theta[j];
    g.weights[nlat - 1 - j] = g.weights[j];
  }
  if (nlat % 2 == 1) g.cos_theta[nlat / 2] = 0.0;
  if (kind == GridKind::equiangular) g.sin_theta[0] = g.sin_theta[nlat - 1] = 0.0;
  return g;
}

}  // namespace ff::sphere
