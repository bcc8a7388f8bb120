#include "solvers/spectral/navier_stokes_3d.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ff::spectral {

NavierStokes3D::NavierStokes3D(const NavierStokes3DOptions& options)
    : options_(options),
      fft_({options.n, options.n, options.n}),
      grid_({options.n, options.n, options.n}),
      stepper_(diffusion_rate(grid_, options.nu), 3),
      block_(grid_.size) {
  FF_REQUIRE(options.forcing_power >= 0 && options.forcing_wavenumber >= 1, InputError,
             "NS3D forcing needs power >= 0 and wavenumber >= 1 (got {}, {})", options.forcing_power,
             options.forcing_wavenumber);
  const double band = 4 * M_PI * M_PI * options.forcing_wavenumber * options.forcing_wavenumber;
  forced_.resize(block_);
  for (long k = 0; k < block_; ++k)
    forced_[k] = grid_.kappa_squared[k] > 0 && grid_.kappa_squared[k] <= band * (1 + 1e-12);
  shells_ = *std::max_element(grid_.shell.begin(), grid_.shell.end()) + 1;
  for (auto* b : {&u_hat_, &first_tendency_}) b->assign(3 * block_, 0.0);
  work_hat_.assign(block_, 0.0);
  const long points = fft_.real_size();
  for (int c = 0; c < 3; ++c) {
    u_[c].assign(points, 0.0);
    omega_[c].assign(points, 0.0);
  }
}

std::complex<double> NavierStokes3D::curl(const SpectrumBuffer& u_hat, int c, long k) const {
  const int a = (c + 1) % 3, b = (c + 2) % 3;  // ω_c = ∂_a u_b − ∂_b u_a
  const std::complex<double> i_unit(0, 1);
  return i_unit * (grid_.kappa[a][k] * u_hat[b * block_ + k] - grid_.kappa[b][k] * u_hat[a * block_ + k]);
}

double NavierStokes3D::forced_energy(const SpectrumBuffer& u_hat) const {
  double energy = 0;
  for (int c = 0; c < 3; ++c)
    for (long k = 0; k < block_; ++k)
      if (forced_[k]) energy += 0.5 * grid_.weight[k] * std::norm(u_hat[c * block_ + k]);
  return energy;
}

void NavierStokes3D::set_velocity(const double* u) {
  const long points = fft_.real_size();
  for (int c = 0; c < 3; ++c) {
    fft_.forward(u + c * points, work_hat_.data());
    for (long k = 0; k < block_; ++k) u_hat_[c * block_ + k] = grid_.dealias[k] * work_hat_[k];
  }
  leray_project(grid_, u_hat_.data());
  time_ = 0;
  steps_ = 0;
}

void NavierStokes3D::velocity(double* u) {
  for (int c = 0; c < 3; ++c) fft_.inverse(u_hat_.data() + c * block_, u + c * fft_.real_size());
}

void NavierStokes3D::vorticity(double* omega) {
  for (int c = 0; c < 3; ++c) {
    for (long k = 0; k < block_; ++k) work_hat_[k] = curl(u_hat_, c, k);
    fft_.inverse(work_hat_.data(), omega + c * fft_.real_size());
  }
}

void NavierStokes3D::tendency(const SpectrumBuffer& u_hat, double t, SpectrumBuffer& out) {
  const long points = fft_.real_size();
  for (int c = 0; c < 3; ++c) {
    std::copy(u_hat.begin() + c * block_, u_hat.begin() + (c + 1) * block_, work_hat_.begin());
    fft_.inverse_destroying(work_hat_, u_[c]);
    for (long k = 0; k < block_; ++k) work_hat_[k] = curl(u_hat, c, k);
    fft_.inverse_destroying(work_hat_, omega_[c]);
  }

  double speed = 0, sum = 0;  // the sum is non-finite when any term is
  auto &u = u_[0], &v = u_[1], &w = u_[2];
  auto &ox = omega_[0], &oy = omega_[1], &oz = omega_[2];
  for (long j = 0; j < points; ++j) {
    speed = std::max(speed, std::abs(u[j]) + std::abs(v[j]) + std::abs(w[j]));
    const double cx = v[j] * oz[j] - w[j] * oy[j];
    const double cy = w[j] * ox[j] - u[j] * oz[j];
    const double cz = u[j] * oy[j] - v[j] * ox[j];
    ox[j] = cx;
    oy[j] = cy;
    oz[j] = cz;
    sum += cx + cy + cz;
  }
  FF_REQUIRE(std::isfinite(sum), RunError, "the velocity is not finite at t = {:.6g} (step {})", t, steps_);
  speed_ = speed;

  const double scale = 1.0 / static_cast<double>(points);
  for (int c = 0; c < 3; ++c) {
    fft_.forward_unnormalized(omega_[c], work_hat_);
    for (long k = 0; k < block_; ++k) out[c * block_ + k] = work_hat_[k] * (grid_.dealias[k] * scale);
  }
  leray_project(grid_, out.data());
  for (int c = 0; c < 3; ++c) out[c * block_] = 0.0;  // no net force: momentum is conserved exactly

  if (options_.forcing_power > 0) {
    const double energy = forced_energy(u_hat);
    if (energy > 0) {
      const double gain = options_.forcing_power / (2 * energy);
      for (int c = 0; c < 3; ++c)
        for (long k = 0; k < block_; ++k)
          if (forced_[k]) out[c * block_ + k] += gain * u_hat[c * block_ + k];
    }
  }
}

void NavierStokes3D::advance(long steps) {
  const IntegratingFactorRK4::Tendency rhs = [this](const SpectrumBuffer& u_hat, double t, SpectrumBuffer& out) {
    tendency(u_hat, t, out);
  };
  const double dt = options_.dt;
  for (long s = 0; s < steps; ++s) {
    tendency(u_hat_, time_, first_tendency_);
    const double cfl = dt * speed_ * options_.n;
    FF_REQUIRE(cfl <= options_.max_cfl, RunError,
               "CFL number dt*max(|u|+|v|+|w|)*n = {:.5g} exceeds {:.5g} at t = {:.6g} (step {}): reduce dt", cfl,
               options_.max_cfl, time_, steps_);
    stepper_.step(u_hat_, first_tendency_, time_, dt, rhs);
    ++steps_;
    time_ = steps_ * dt;
  }
}

TurbulenceDiagnostics NavierStokes3D::diagnostics() const {
  TurbulenceDiagnostics d;
  double divergence = 0, gradient = 0, forced = 0;
  for (long k = 0; k < block_; ++k) {
    const double weight = grid_.weight[k], k2 = grid_.kappa_squared[k];
    std::complex<double> kappa_dot_u = 0;
    for (int c = 0; c < 3; ++c) {
      const auto& uc = u_hat_[c * block_ + k];
      const double e = 0.5 * weight * std::norm(uc);
      d.energy += e;
      d.enstrophy += k2 * e;
      if (forced_[k]) forced += e;
      kappa_dot_u += grid_.kappa[c][k] * uc;
    }
    divergence += weight * std::norm(kappa_dot_u);
    gradient +=
        weight * k2 * (std::norm(u_hat_[k]) + std::norm(u_hat_[block_ + k]) + std::norm(u_hat_[2 * block_ + k]));
  }
  d.dissipation = 2 * options_.nu * d.enstrophy;
  // By construction f injects exactly ε whenever the forced band holds energy.
  d.forcing_power = forced > 0 ? options_.forcing_power : 0;
  d.divergence = gradient > 0 ? std::sqrt(divergence / gradient) : 0;
  return d;
}

std::vector<double> NavierStokes3D::energy_spectrum() const {
  std::vector<double> spectrum(shells_, 0.0);
  for (int c = 0; c < 3; ++c)
    for (long k = 0; k < block_; ++k)
      spectrum[grid_.shell[k]] += 0.5 * grid_.weight[k] * std::norm(u_hat_[c * block_ + k]);
  return spectrum;
}

}  // namespace ff::spectral
