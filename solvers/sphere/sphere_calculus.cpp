#include "solvers/sphere/sphere_calculus.hpp"

#include "core/error.hpp"
#include "solvers/sphere/legendre.hpp"

#include <cmath>

namespace ff::sphere {
namespace {

using cd = std::complex<double>;

double epsilon(int l, int m) {
  if (l <= m) return 0.0;  // ε_mm = 0: P̄_{m−1,m} does not exist
  const double l2 = double(l) * l;
  return std::sqrt((l2 - double(m) * m) / (4.0 * l2 - 1.0));
}

}  // namespace

struct SphereCalculus::Impl {
  SphereGrid grid;
  int lmax = 0;
  double radius = 1;
  std::unique_ptr<SphericalHarmonicTransform> scalar;    // lmax
  std::unique_ptr<SphericalHarmonicTransform> extended;  // lmax + 1, mmax = lmax
  Coefficients a, b;                                     // extended scratch
  std::vector<double> ring;                              // nlat·nlon scratch
  std::vector<double> first, second;                     // nlat·nlon scratch

  long ext(int l, int m) const { return extended->index(l, m); }
};

SphereCalculus::SphereCalculus(const SphereGrid& grid, int lmax, double radius, int threads)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  FF_REQUIRE(grid.kind == GridKind::gauss, InputError,
             "vector transforms need a Gauss grid (no ring at a pole), got {}", to_string(grid.kind));
  FF_REQUIRE(lmax + 1 <= grid.max_exact_degree(), InputError,
             "vector transforms at lmax {} need {} Gauss latitudes or more, got {}", lmax, lmax + 2, grid.nlat);
  FF_REQUIRE(radius > 0, InputError, "the sphere's radius must be positive, got {}", radius);
  d.grid = grid;
  d.lmax = lmax;
  d.radius = radius;
  d.scalar =
      std::make_unique<SphericalHarmonicTransform>(grid, ShtOptions{lmax, lmax, LegendreMode::on_the_fly, threads});
  d.extended =
      std::make_unique<SphericalHarmonicTransform>(grid, ShtOptions{lmax + 1, lmax, LegendreMode::on_the_fly, threads});
  d.a.resize(d.extended->coefficient_count());
  d.b.resize(d.extended->coefficient_count());
  const std::size_t n = static_cast<std::size_t>(grid.nlat) * grid.nlon;
  d.ring.resize(n);
  d.first.resize(n);
  d.second.resize(n);
}

SphereCalculus::~SphereCalculus() = default;

const SphereGrid& SphereCalculus::grid() const { return impl_->grid; }
int SphereCalculus::lmax() const { return impl_->lmax; }
double SphereCalculus::radius() const { return impl_->radius; }
long SphereCalculus::coefficient_count() const { return impl_->scalar->coefficient_count(); }
long SphereCalculus::index(int l, int m) const { return impl_->scalar->index(l, m); }

void SphereCalculus::analysis(const double* field, cd* coefficients) { impl_->scalar->forward(field, coefficients); }
void SphereCalculus::synthesis(const cd* coefficients, double* field) { impl_->scalar->inverse(coefficients, field); }

void SphereCalculus::velocity_from_potentials(const cd* psi, const cd* chi, double* u, double* v) {
  Impl& d = *impl_;
  const int L = d.lmax;
  const double inv_a = 1.0 / d.radius;
  // Coefficients of u cos φ (in a) and v cos φ (in b), degrees m..lmax+1.
  for (int m = 0; m <= L; ++m) {
    const cd im(0.0, m);
    for (int k = m; k <= L + 1; ++k) {
      const cd psi_k = k <= L ? psi[triangular_index(L, k, m)] : 0.0;
      const cd chi_k = k <= L ? chi[triangular_index(L, k, m)] : 0.0;
      const cd psi_below = k - 1 >= m ? psi[triangular_index(L, k - 1, m)] : 0.0;
      const cd chi_below = k - 1 >= m ? chi[triangular_index(L, k - 1, m)] : 0.0;
      const cd psi_above = k + 1 <= L ? psi[triangular_index(L, k + 1, m)] : 0.0;
      const cd chi_above = k + 1 <= L ? chi[triangular_index(L, k + 1, m)] : 0.0;
      // −Σ_l ψ_l H_l = Σ_k P̄_k [(k−1) ε_k ψ_{k−1} − (k+2) ε_{k+1} ψ_{k+1}]
      const cd h_psi = (k - 1.0) * epsilon(k, m) * psi_below - (k + 2.0) * epsilon(k + 1, m) * psi_above;
      const cd h_chi = (k - 1.0) * epsilon(k, m) * chi_below - (k + 2.0) * epsilon(k + 1, m) * chi_above;
      d.a[d.ext(k, m)] = inv_a * (im * chi_k + h_psi);
      d.b[d.ext(k, m)] = inv_a * (im * psi_k - h_chi);
    }
  }
  d.extended->inverse(d.a.data(), u);
  d.extended->inverse(d.b.data(), v);
  const SphereGrid& g = d.grid;
  for (int j = 0; j < g.nlat; ++j) {
    const double inv_cos = 1.0 / g.sin_theta[j];  // cos(latitude) = sin(colatitude)
    for (int k = 0; k < g.nlon; ++k) {
      u[j * g.nlon + k] *= inv_cos;
      v[j * g.nlon + k] *= inv_cos;
    }
  }
}

void SphereCalculus::velocity_from_vorticity_divergence(const cd* vorticity, const cd* divergence, double* u,
                                                        double* v) {
  const long n = coefficient_count();
  Coefficients psi(vorticity, vorticity + n), chi(divergence, divergence + n);
  inverse_laplacian(psi.data());
  inverse_laplacian(chi.data());
  velocity_from_potentials(psi.data(), chi.data(), u, v);
}

void SphereCalculus::vorticity_divergence(const double* u, const double* v, cd* vorticity, cd* divergence) {
  Impl& d = *impl_;
  const SphereGrid& g = d.grid;
  for (int j = 0; j < g.nlat; ++j) {
    const double inv_cos = 1.0 / g.sin_theta[j];
    for (int k = 0; k < g.nlon; ++k) {
      d.first[j * g.nlon + k] = u[j * g.nlon + k] * inv_cos;
      d.second[j * g.nlon + k] = v[j * g.nlon + k] * inv_cos;
    }
  }
  d.extended->forward(d.first.data(), d.a.data());   // G^u
  d.extended->forward(d.second.data(), d.b.data());  // G^v
  const int L = d.lmax;
  const double inv_a = 1.0 / d.radius;
  for (int m = 0; m <= L; ++m) {
    const cd im(0.0, m);
    for (int l = m; l <= L; ++l) {
      // ∫ g̃ H_l dμ = −l ε_{l+1} G_{l+1} + (l+1) ε_l G_{l−1}
      const auto h = [&](const Coefficients& G) {
        const cd below = l - 1 >= m ? G[d.ext(l - 1, m)] : 0.0;
        return -double(l) * epsilon(l + 1, m) * G[d.ext(l + 1, m)] + (l + 1.0) * epsilon(l, m) * below;
      };
      vorticity[triangular_index(L, l, m)] = inv_a * (im * d.b[d.ext(l, m)] + h(d.a));
      divergence[triangular_index(L, l, m)] = inv_a * (im * d.a[d.ext(l, m)] - h(d.b));
    }
  }
}

double SphereCalculus::laplacian_eigenvalue(int l) const {
  return -double(l) * (l + 1) / (impl_->radius * impl_->radius);
}

void SphereCalculus::laplacian(cd* c) const {
  const int L = impl_->lmax;
  for (int m = 0; m <= L; ++m)
    for (int l = m; l <= L; ++l) c[triangular_index(L, l, m)] *= laplacian_eigenvalue(l);
}

void SphereCalculus::inverse_laplacian(cd* c) const {
  const int L = impl_->lmax;
  for (int m = 0; m <= L; ++m)
    for (int l = m; l <= L; ++l)
      c[triangular_index(L, l, m)] = l == 0 ? 0.0 : c[triangular_index(L, l, m)] / laplacian_eigenvalue(l);
}

}  // namespace ff::sphere
