#include "solvers/spectral/navier_stokes_2d.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ff::spectral {

NavierStokes2D::NavierStokes2D(const NavierStokes2DOptions& options, const std::vector<double>& forcing)
    : options_(options), fft_({options.n, options.n}), grid_({options.n, options.n}) {
  const long n2 = static_cast<long>(options.n) * options.n;
  FF_REQUIRE(forcing.empty() || static_cast<long>(forcing.size()) == n2, InputError,
             "forcing has {} values, the {}x{} grid needs {}", forcing.size(), options.n, options.n, n2);
  const long m = grid_.size;
  for (auto* b : {&w_hat_, &f_hat_, &predictor_, &n0_, &n1_, &work_hat_}) b->assign(m, 0.0);
  for (auto* b : {&u_, &v_, &wx_, &wy_}) b->assign(n2, 0.0);
  if (!forcing.empty()) fft_.forward(forcing.data(), f_hat_.data());

  explicit_factor_.resize(m);
  implicit_factor_.resize(m);
  for (long i = 0; i < m; ++i) {
    const double half_step_l = 0.5 * options.dt * (-options.nu * grid_.kappa_squared[i] - options.drag);
    explicit_factor_[i] = 1.0 + half_step_l;
    implicit_factor_[i] = 1.0 / (1.0 - half_step_l);
  }
}

void NavierStokes2D::set_vorticity(const double* w) {
  fft_.forward(w, w_hat_.data());
  time_ = 0;
  steps_ = 0;
}

void NavierStokes2D::vorticity(double* w) { fft_.inverse(w_hat_.data(), w); }

void NavierStokes2D::advection(const SpectrumBuffer& w_hat, SpectrumBuffer& out) {
  const long m = grid_.size, n2 = static_cast<long>(u_.size());
  const auto& kx = grid_.kappa[0];
  const auto& ky = grid_.kappa[1];
  const std::complex<double> i_unit(0, 1);

  // u = ψ_y, v = −ψ_x with ψ̂ = ŵ/|κ|², then the two gradients of w.
  auto spectral_field = [&](RealBuffer& target, auto coefficient) {
    for (long k = 0; k < m; ++k) work_hat_[k] = coefficient(k);
    fft_.inverse_destroying(work_hat_, target);
  };
  auto psi = [&](long k) { return grid_.kappa_squared[k] > 0 ? w_hat[k] / grid_.kappa_squared[k] : 0.0; };
  spectral_field(u_, [&](long k) { return i_unit * ky[k] * psi(k); });
  spectral_field(v_, [&](long k) { return -i_unit * kx[k] * psi(k); });
  spectral_field(wx_, [&](long k) { return i_unit * kx[k] * w_hat[k]; });
  spectral_field(wy_, [&](long k) { return i_unit * ky[k] * w_hat[k]; });

  double speed = 0, sum = 0;  // the sum is non-finite when any term is
  for (long j = 0; j < n2; ++j) {
    speed = std::max(speed, std::abs(u_[j]) + std::abs(v_[j]));
    wx_[j] = -(u_[j] * wx_[j] + v_[j] * wy_[j]);
    sum += u_[j] + v_[j] + wx_[j];
  }
  FF_REQUIRE(std::isfinite(sum), RunError, "the flow is not finite at t = {:.6g} (step {})", time_, steps_);
  cfl_ = options_.dt * speed * options_.n;
  FF_REQUIRE(cfl_ <= options_.max_cfl, RunError,
             "CFL number dt*max(|u|+|v|)*n = {:.5g} exceeds {:.5g} at t = {:.6g} (step {}): reduce dt", cfl_,
             options_.max_cfl, time_, steps_);

  fft_.forward_unnormalized(wx_, out);
  const double scale = 1.0 / static_cast<double>(n2);
  for (long k = 0; k < m; ++k) out[k] *= grid_.dealias[k] * scale;
}

void NavierStokes2D::advance(long steps) {
  const long m = grid_.size;
  const double dt = options_.dt;
  for (long s = 0; s < steps; ++s) {
    advection(w_hat_, n0_);
    for (long k = 0; k < m; ++k)
      predictor_[k] = (explicit_factor_[k] * w_hat_[k] + dt * (f_hat_[k] + n0_[k])) * implicit_factor_[k];
    advection(predictor_, n1_);
    for (long k = 0; k < m; ++k)
      w_hat_[k] = (explicit_factor_[k] * w_hat_[k] + dt * (f_hat_[k] + 0.5 * (n0_[k] + n1_[k]))) * implicit_factor_[k];
    ++steps_;
    time_ = steps_ * dt;
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
