#include "solvers/spectral/navier_stokes_2d.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace ff::spectral {
namespace {

std::vector<double> linear_rate(const SpectralGrid& grid, const NavierStokes2DOptions& o) {
  std::vector<double> rate = diffusion_rate(grid, o.nu);
  for (double& r : rate) r -= o.drag;
  return rate;
}

// The FNO generator keeps |k_a| ≤ (2/3)·floor(n/2) on both axes; for n a
// multiple of 6 that is one mode more than Orszag's 3|k_a| < n.
std::vector<double> fno_mask(int n) {
  const int half = static_cast<int>(n / 2 + 1);
  std::vector<double> mask(static_cast<long>(n) * half);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < half; ++j) {
      const int kx = std::abs(wavenumber(i, n));
      mask[static_cast<long>(i) * half + j] = 3 * kx <= 2 * (n / 2) && 3 * j <= 2 * (n / 2) ? 1.0 : 0.0;
    }
  return mask;
}

}  // namespace

NavierStokes2D::NavierStokes2D(const NavierStokes2DOptions& options, const std::vector<double>& forcing)
    : options_(options),
      grid_({options.n, options.n}),
      single_({options.n, options.n}, 1, options.threads),
      velocity_and_gradient_({options.n, options.n}, 4, options.threads),
      ifrk4_(linear_rate(grid_, options), 1),
      dealias_(options.scheme == TimeScheme::fno ? fno_mask(options.n) : grid_.dealias),
      kappa_x_(grid_.kappa[0]) {
  const long n2 = static_cast<long>(options.n) * options.n, m = grid_.size;
  FF_REQUIRE(forcing.empty() || static_cast<long>(forcing.size()) == n2, InputError,
             "forcing has {} values, the {}x{} grid needs {}", forcing.size(), options.n, options.n, n2);
  for (auto* b : {&w_hat_, &f_hat_, &first_, &one_hat_}) b->assign(m, 0.0);
  four_hat_.assign(4 * m, 0.0);
  four_fields_.assign(4 * n2, 0.0);
  product_.assign(n2, 0.0);
  if (!forcing.empty()) {
    std::copy(forcing.begin(), forcing.end(), product_.begin());
    single_.forward_unnormalized(product_, f_hat_);
    for (auto& c : f_hat_) c /= static_cast<double>(n2);
  }
  if (options.scheme == TimeScheme::fno) set_generator_factors();
}

// The generator computes 1 ∓ dt ν lap/2 in float32 (lap = 4π²|k|² in float32
// with lap = 1 at k = 0, the scalar dt ν/2 rounded to float32). Rounding the
// two factors changes a mode's decay per step by up to about 1.5·2⁻²⁴ = 9e-8,
// which over 10⁴ steps is a drift of 1e-4 and more, far above the rest of
// its round-off (its other float32 constants, 2πk, |2πk|² and f, change a
// state by about 1e-7); reproducing its datasets means taking these factors
// as it does. The rest is double.
void NavierStokes2D::set_generator_factors() {
  // Its x wavenumbers run 0 … n/2−1, −n/2 … −1, and its inverse transform
  // (complex-to-real over y after complex over x) keeps the x-derivative of
  // the Nyquist row −n/2 where fieldforge's convention drops it.
  if (options_.n % 2 == 0) {
    const long row = static_cast<long>(options_.n / 2) * (options_.n / 2 + 1);
    for (int j = 0; j < options_.n / 2 + 1; ++j) kappa_x_[row + j] = -M_PI * options_.n;
  }
  const int n = options_.n, half = n / 2 + 1;
  const float four_pi_squared = static_cast<float>(4 * M_PI * M_PI);
  const float half_step_nu = static_cast<float>(0.5 * options_.dt * options_.nu);
  const float half_step_drag = static_cast<float>(0.5 * options_.dt * options_.drag);
  explicit_factor_.resize(grid_.size);
  implicit_factor_.resize(grid_.size);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < half; ++j) {
      const long kx = wavenumber(i, n), k2 = std::max(1L, kx * kx + static_cast<long>(j) * j);
      const float lap = four_pi_squared * static_cast<float>(k2);
      const float x = half_step_nu * lap + half_step_drag;
      const long e = static_cast<long>(i) * half + j;
      explicit_factor_[e] = 1.0f - x;
      implicit_factor_[e] = 1.0 / static_cast<double>(1.0f + x);
    }
}

void NavierStokes2D::set_vorticity(const double* w) {
  const long n2 = static_cast<long>(product_.size());
  std::copy(w, w + n2, product_.begin());
  single_.forward_unnormalized(product_, w_hat_);
  for (auto& c : w_hat_) c /= static_cast<double>(n2);
  time_ = 0;
  steps_ = 0;
}

void NavierStokes2D::set_spectrum(const std::complex<double>* w_hat) {
  std::copy(w_hat, w_hat + grid_.size, w_hat_.begin());
  time_ = 0;
  steps_ = 0;
}

void NavierStokes2D::vorticity(double* w) {
  one_hat_ = w_hat_;
  single_.inverse_destroying(one_hat_, product_);
  std::copy(product_.begin(), product_.end(), w);
}

void NavierStokes2D::tendency(const SpectrumBuffer& w_hat, SpectrumBuffer& out) {
  const long m = grid_.size, n2 = static_cast<long>(product_.size());
  const auto& kx = kappa_x_;
  const auto& ky = grid_.kappa[1];
  const std::complex<double> i_unit(0, 1);

  // u = ψ_y, v = −ψ_x with ψ̂ = ŵ/|κ|², and the two gradients of w, in one batch.
  std::complex<double>* u = four_hat_.data();
  std::complex<double>* v = u + m;
  std::complex<double>* w_x = v + m;
  std::complex<double>* w_y = w_x + m;
  for (long k = 0; k < m; ++k) {
    const double k2 = grid_.kappa_squared[k];
    const std::complex<double> i_psi = k2 > 0 ? i_unit * w_hat[k] / k2 : 0.0, i_w = i_unit * w_hat[k];
    u[k] = ky[k] * i_psi;
    v[k] = -kx[k] * i_psi;
    w_x[k] = kx[k] * i_w;
    w_y[k] = ky[k] * i_w;
  }
  velocity_and_gradient_.inverse_destroying(four_hat_, four_fields_);

  const double* uu = four_fields_.data();
  const double* vv = uu + n2;
  const double* gx = vv + n2;
  const double* gy = gx + n2;
  double speed = 0, sum = 0;  // the sum is non-finite when any term is
  for (long j = 0; j < n2; ++j) {
    speed = std::max(speed, std::abs(uu[j]) + std::abs(vv[j]));
    product_[j] = -(uu[j] * gx[j] + vv[j] * gy[j]);
    sum += product_[j];
  }
  FF_REQUIRE(std::isfinite(sum) && std::isfinite(speed), RunError, "the flow is not finite at t = {:.6g} (step {})",
             time_, steps_);
  speed_ = speed;

  single_.forward_unnormalized(product_, out);
  const double scale = 1.0 / static_cast<double>(n2);
  for (long k = 0; k < m; ++k) out[k] = out[k] * (dealias_[k] * scale) + f_hat_[k];
}

void NavierStokes2D::check_cfl(double h) const {
  const double cfl = h * speed_ * options_.n;
  FF_REQUIRE(cfl <= options_.max_cfl, RunError,
             "CFL number dt*max(|u|+|v|)*n = {:.5g} exceeds {:.5g} at t = {:.6g} (step {}): reduce dt", cfl,
             options_.max_cfl, time_, steps_);
}

void NavierStokes2D::step(double h) {
  if (options_.scheme == TimeScheme::fno) {
    for (long k = 0; k < grid_.size; ++k)
      w_hat_[k] = (explicit_factor_[k] * w_hat_[k] + h * first_[k]) * implicit_factor_[k];
  } else {
    ifrk4_.step(w_hat_, first_, time_, h,
                [this](const SpectrumBuffer& state, double, SpectrumBuffer& out) { tendency(state, out); });
  }
  ++steps_;
}

void NavierStokes2D::advance(long steps) {
  for (long s = 0; s < steps; ++s) {
    tendency(w_hat_, first_);
    check_cfl(options_.dt);
    step(options_.dt);
    time_ += options_.dt;
  }
}

void NavierStokes2D::advance_to(double t) {
  const double span = t - time_;
  if (options_.scheme == TimeScheme::fno || options_.cfl <= 0) {
    const long steps = std::lround(span / options_.dt);
    FF_REQUIRE(steps >= 0 && std::abs(span - steps * options_.dt) <= 1e-9 * std::max(1.0, std::abs(t)), InputError,
               "advancing from t = {:.9g} to {:.9g} is not a whole number of steps dt = {:.9g}", time_, t, options_.dt);
    advance(steps);
    time_ = t;  // rather than the sum of the steps
    return;
  }
  while (t - time_ > 1e-12 * std::max(1.0, std::abs(t))) {
    tendency(w_hat_, first_);
    const double remaining = t - time_;
    const double allowed = speed_ > 0 ? std::min(options_.dt, options_.cfl / (speed_ * options_.n)) : options_.dt;
    const double steps_left = std::ceil(remaining / allowed * (1 - 1e-12));
    const double h = remaining / steps_left;
    check_cfl(h);
    step(h);
    time_ = steps_left == 1 ? t : time_ + h;
  }
}

FlowDiagnostics NavierStokes2D::diagnostics() const {
  FlowDiagnostics d;
  for (long k = 0; k < grid_.size; ++k) {
    const double weight = grid_.weight[k], k2 = grid_.kappa_squared[k];
    const double w2 = std::norm(w_hat_[k]);
    const double w_dot_f = std::real(std::conj(w_hat_[k]) * f_hat_[k]);
    d.enstrophy += 0.5 * weight * w2;
    d.palinstrophy += 0.5 * weight * k2 * w2;
    d.enstrophy_input += weight * w_dot_f;
    if (k2 > 0) {
      d.energy += 0.5 * weight * w2 / k2;
      d.energy_input += weight * w_dot_f / k2;
    }
  }
  return d;
}

}  // namespace ff::spectral
