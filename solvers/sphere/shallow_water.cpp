#include "solvers/sphere/shallow_water.hpp"

#include "core/error.hpp"
#include "solvers/sphere/legendre.hpp"

#include <cmath>

namespace ff::sphere {
namespace {

constexpr double pi = 3.14159265358979323846;
using cd = std::complex<double>;

// ζ, δ and Φ of a state, or their rates of change.
struct SpectralFields {
  Coefficients vorticity, divergence, geopotential;
  void resize(long n) {
    vorticity.assign(n, 0.0);
    divergence.assign(n, 0.0);
    geopotential.assign(n, 0.0);
  }
};

}  // namespace

void default_grid_for(int lmax, int& nlat, int& nlon) {
  nlat = (3 * (lmax + 1) + 1) / 2;
  nlat += nlat % 2;
  nlon = 2 * nlat;
}

struct ShallowWater::Impl {
  ShallowWaterOptions options;
  std::unique_ptr<SphereCalculus> calculus;
  std::vector<double> coriolis;
  SpectralFields state;       // ζ, δ, Φ
  SpectralFields history[3];  // tendencies at steps n, n−1, n−2 (ring buffer)
  int history_count = 0, newest = 0;
  std::vector<double> hyperdiffusion;  // per degree: the implicit damping factor
  double time = 0;
  long steps = 0;
  // grid and spectral scratch
  std::vector<double> u, v, zeta, phi, a, b, c, e;
  Coefficients discarded_curl, energy;

  long size() const { return calculus->coefficient_count(); }

  void tendency(const SpectralFields& s, SpectralFields& out) {
    calculus->velocity_from_vorticity_divergence(s.vorticity.data(), s.divergence.data(), u.data(), v.data());
    calculus->synthesis(s.vorticity.data(), zeta.data());
    calculus->synthesis(s.geopotential.data(), phi.data());
    for (std::size_t k = 0; k < u.size(); ++k) {
      const double eta = zeta[k] + coriolis[k];
      a[k] = eta * u[k];
      b[k] = eta * v[k];
      e[k] = phi[k] + 0.5 * (u[k] * u[k] + v[k] * v[k]);
    }
    // −∇·(η v⃗) and k·∇×(η v⃗)
    calculus->vorticity_divergence(a.data(), b.data(), out.divergence.data(), out.vorticity.data());
    for (cd& x : out.vorticity) x = -x;
    for (std::size_t k = 0; k < u.size(); ++k) {
      a[k] = phi[k] * u[k];
      b[k] = phi[k] * v[k];
    }
    calculus->vorticity_divergence(a.data(), b.data(), discarded_curl.data(), out.geopotential.data());
    for (cd& x : out.geopotential) x = -x;
    calculus->analysis(e.data(), energy.data());
    calculus->laplacian(energy.data());
    for (long k = 0; k < size(); ++k) out.divergence[k] -= energy[k];
  }

  void damp(SpectralFields& s) const {
    const int L = options.lmax;
    for (int m = 0; m <= L; ++m)
      for (int l = m; l <= L; ++l) {
        const long k = triangular_index(L, l, m);
        s.vorticity[k] *= hyperdiffusion[l];
        s.divergence[k] *= hyperdiffusion[l];
        s.geopotential[k] *= hyperdiffusion[l];
      }
  }

  // s ← base + h · Σ c_i t_i
  static void combine(SpectralFields& s, const SpectralFields& base, double h,
                      std::initializer_list<std::pair<double, const SpectralFields*>> terms) {
    for (std::size_t k = 0; k < base.vorticity.size(); ++k) {
      cd z = 0, d = 0, p = 0;
      for (const auto& [c, t] : terms) {
        z += c * t->vorticity[k];
        d += c * t->divergence[k];
        p += c * t->geopotential[k];
      }
      s.vorticity[k] = base.vorticity[k] + h * z;
      s.divergence[k] = base.divergence[k] + h * d;
      s.geopotential[k] = base.geopotential[k] + h * p;
    }
  }

  void runge_kutta_step() {
    const double dt = options.dt;
    SpectralFields k1, k2, k3, k4, stage;
    for (SpectralFields* t : {&k1, &k2, &k3, &k4, &stage}) t->resize(size());
    tendency(state, k1);
    combine(stage, state, 0.5 * dt, {{1.0, &k1}});
    tendency(stage, k2);
    combine(stage, state, 0.5 * dt, {{1.0, &k2}});
    tendency(stage, k3);
    combine(stage, state, dt, {{1.0, &k3}});
    tendency(stage, k4);
    combine(state, state, dt / 6.0, {{1.0, &k1}, {2.0, &k2}, {2.0, &k3}, {1.0, &k4}});
    remember(std::move(k1));
  }

  // The new rate goes into the slot of the oldest, which AB3 no longer needs.
  void adams_bashforth_step() {
    newest = (newest + 1) % 3;
    SpectralFields& now = history[newest];
    if (static_cast<long>(now.vorticity.size()) != size()) now.resize(size());
    tendency(state, now);
    history_count = std::min(history_count + 1, 3);
    const SpectralFields& f1 = history[(newest + 2) % 3];
    const SpectralFields& f2 = history[(newest + 1) % 3];
    combine(state, state, options.dt / 12.0, {{23.0, &now}, {-16.0, &f1}, {5.0, &f2}});
  }

  void remember(SpectralFields&& t) {
    newest = (newest + 1) % 3;
    history[newest] = std::move(t);
    history_count = std::min(history_count + 1, 3);
  }
};

ShallowWater::ShallowWater(const ShallowWaterOptions& options, std::vector<double> coriolis)
    : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.options = options;
  ShallowWaterOptions& o = d.options;
  FF_REQUIRE(o.lmax >= 1, InputError, "shallow water needs lmax >= 1, got {}", o.lmax);
  if (o.nlat == 0 || o.nlon == 0) default_grid_for(o.lmax, o.nlat, o.nlon);
  FF_REQUIRE(o.dt > 0 && std::isfinite(o.dt), InputError, "dt must be positive, got {}", o.dt);
  FF_REQUIRE(o.hyperdiffusion_hours >= 0, InputError, "hyperdiffusion_hours must be >= 0, got {}",
             o.hyperdiffusion_hours);
  FF_REQUIRE(o.hyperdiffusion_order >= 1, InputError, "hyperdiffusion_order must be >= 1, got {}",
             o.hyperdiffusion_order);
  const SphereGrid grid = make_sphere_grid(GridKind::gauss, o.nlat, o.nlon);
  d.calculus = std::make_unique<SphereCalculus>(grid, o.lmax, o.radius, o.threads);
  const std::size_t n = static_cast<std::size_t>(o.nlat) * o.nlon;
  if (coriolis.empty()) {
    coriolis.resize(n);
    for (int j = 0; j < o.nlat; ++j)
      for (int k = 0; k < o.nlon; ++k) coriolis[j * o.nlon + k] = 2.0 * o.omega * grid.cos_theta[j];
  }
  FF_REQUIRE(coriolis.size() == n, InputError, "the Coriolis field has {} values, the grid {}", coriolis.size(), n);
  d.coriolis = std::move(coriolis);
  for (std::vector<double>* s : {&d.u, &d.v, &d.zeta, &d.phi, &d.a, &d.b, &d.c, &d.e}) s->assign(n, 0.0);
  d.state.resize(d.size());
  d.discarded_curl.resize(d.size());
  d.energy.resize(d.size());

  // 1 / (1 + (dt/τ) (l(l+1) / (L(L+1)))^p): the e-folding time τ at degree L,
  // written without ν so that no radius over- or underflows it.
  d.hyperdiffusion.assign(o.lmax + 1, 1.0);
  if (o.hyperdiffusion_hours > 0) {
    const double top = o.lmax * (o.lmax + 1.0), rate = o.dt / (o.hyperdiffusion_hours * 3600.0);
    for (int l = 1; l <= o.lmax; ++l)
      d.hyperdiffusion[l] = 1.0 / (1.0 + rate * std::pow(l * (l + 1.0) / top, o.hyperdiffusion_order));
  }
}

ShallowWater::~ShallowWater() = default;

const ShallowWaterOptions& ShallowWater::options() const { return impl_->options; }
const SphereGrid& ShallowWater::grid() const { return impl_->calculus->grid(); }
SphereCalculus& ShallowWater::calculus() { return *impl_->calculus; }
double ShallowWater::time() const { return impl_->time; }
const Coefficients& ShallowWater::spectral_vorticity() const { return impl_->state.vorticity; }
const Coefficients& ShallowWater::spectral_divergence() const { return impl_->state.divergence; }
const Coefficients& ShallowWater::spectral_geopotential() const { return impl_->state.geopotential; }

void ShallowWater::set_state(const double* u, const double* v, const double* h) {
  Impl& d = *impl_;
  d.calculus->vorticity_divergence(u, v, d.state.vorticity.data(), d.state.divergence.data());
  for (std::size_t k = 0; k < d.phi.size(); ++k) d.phi[k] = d.options.gravity * h[k];
  d.calculus->analysis(d.phi.data(), d.state.geopotential.data());
  d.time = 0;
  d.steps = 0;
  d.history_count = 0;
}

void ShallowWater::set_spectral_state(const Coefficients& vorticity, const Coefficients& divergence,
                                      const Coefficients& geopotential) {
  Impl& d = *impl_;
  for (const Coefficients* c : {&vorticity, &divergence, &geopotential})
    FF_REQUIRE(static_cast<long>(c->size()) == d.size(), InputError, "a spectral state needs {} coefficients, got {}",
               d.size(), c->size());
  d.state.vorticity = vorticity;
  d.state.divergence = divergence;
  d.state.geopotential = geopotential;
  d.time = 0;
  d.steps = 0;
  d.history_count = 0;
}

void ShallowWater::advance(long steps) {
  Impl& d = *impl_;
  for (long s = 0; s < steps; ++s) {
    if (d.history_count < 2)
      d.runge_kutta_step();
    else
      d.adams_bashforth_step();
    d.damp(d.state);
    d.time += d.options.dt;
    ++d.steps;
    double norm = 0;
    for (const Coefficients* c : {&d.state.vorticity, &d.state.divergence, &d.state.geopotential})
      for (const cd& x : *c) norm += std::norm(x);
    FF_REQUIRE(std::isfinite(norm), RunError,
               "shallow water: the state is no longer finite at t = {} s (step {}; dt = {} s: a smaller dt, more "
               "hyperdiffusion or a gentler initial state may help)",
               d.time, d.steps, d.options.dt);
  }
}

void ShallowWater::height(double* h) {
  Impl& d = *impl_;
  d.calculus->synthesis(d.state.geopotential.data(), h);
  const long n = static_cast<long>(d.phi.size());
  for (long k = 0; k < n; ++k) h[k] /= d.options.gravity;
}

void ShallowWater::velocity(double* u, double* v) {
  Impl& d = *impl_;
  d.calculus->velocity_from_vorticity_divergence(d.state.vorticity.data(), d.state.divergence.data(), u, v);
}

void ShallowWater::vorticity(double* zeta) { impl_->calculus->synthesis(impl_->state.vorticity.data(), zeta); }

ShallowWaterDiagnostics ShallowWater::diagnostics() {
  Impl& d = *impl_;
  const SphereGrid& g = grid();
  height(d.c.data());
  velocity(d.u.data(), d.v.data());
  vorticity(d.zeta.data());
  ShallowWaterDiagnostics out;
  const double gravity = d.options.gravity;
  for (int j = 0; j < g.nlat; ++j) {
    const double w = g.weights[j] * 2.0 * pi / g.nlon / (4.0 * pi);
    for (int k = 0; k < g.nlon; ++k) {
      const long i = static_cast<long>(j) * g.nlon + k;
      const double h = d.c[i], speed2 = d.u[i] * d.u[i] + d.v[i] * d.v[i];
      const double eta = d.zeta[i] + d.coriolis[i];
      out.mass += w * h;
      out.energy += w * (0.5 * h * speed2 + 0.5 * gravity * h * h);
      out.enstrophy += w * eta * eta / (2.0 * h);
      out.max_speed = std::max(out.max_speed, std::sqrt(speed2));
    }
  }
  return out;
}

}  // namespace ff::sphere
