// Latitude–longitude grids on the unit sphere and their quadrature rules.
//
// Rings run from north to south: ring j sits at colatitude θ_j with
// x_j = cos θ_j, and holds nlon points at longitudes φ_k = 2πk / nlon. A field
// is stored ring by ring, nlat × nlon, longitude fastest. The weights w_j
// integrate in x: ∫_{-1}^{1} g(x) dx ≈ Σ_j w_j g(x_j), so a surface integral is
// ∫ f dΩ ≈ (2π / nlon) Σ_j w_j Σ_k f_jk.
//
//  - gauss:       nlat Gauss–Legendre nodes, exact for polynomials in x of
//                 degree ≤ 2 nlat − 1 (so lmax ≤ nlat − 1 transforms exactly);
//  - equiangular: θ_j = π j / (nlat − 1), both poles included, Clenshaw–Curtis
//                 weights, exact for degree ≤ nlat − 1 (so lmax ≤ (nlat − 1) / 2).
#pragma once

#include <string>
#include <vector>

namespace ff::sphere {

enum class GridKind { gauss, equiangular };

std::string to_string(GridKind kind);
GridKind grid_kind_from_string(const std::string& name);  // InputError naming the choices

struct SphereGrid {
  GridKind kind = GridKind::gauss;
  int nlat = 0, nlon = 0;
  std::vector<double> theta;      // colatitude θ_j, increasing (north to south)
  std::vector<double> cos_theta;  // x_j
  std::vector<double> sin_theta;  // from θ_j directly, accurate near the poles
  std::vector<double> weights;    // w_j, sums to 2

  // Largest degree whose transform is exact on this grid (see above).
  int max_exact_degree() const;
  double longitude(int k) const;
};

// InputError for nlat < 2 or nlon < 1.
SphereGrid make_sphere_grid(GridKind kind, int nlat, int nlon);

}  // namespace ff::sphere
