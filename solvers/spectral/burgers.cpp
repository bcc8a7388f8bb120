#include "solvers/spectral/burgers.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ff::spectral {

Burgers1D::Burgers1D(const BurgersOptions& options, BurgersForcing forcing)
    : options_(options),
      forcing_(std::move(forcing)),
      fft_({options.n}),
      grid_({options.n}),
      stepper_(diffusion_rate(grid_, options.nu), 1) {
  for (auto* b : {&u_hat_, &first_tendency_, &forcing_hat_}) b->assign(grid_.size, 0.0);
  physical_.assign(options.n, 0.0);
  if (forcing_) forcing_values_.assign(options.n, 0.0);
}

void Burgers1D::set_state(const double* u) {
  fft_.forward(u, u_hat_.data());
  time_ = 0;
  steps_ = 0;
}

void Burgers1D::state(double* u) { fft_.inverse(u_hat_.data(), u); }

void Burgers1D::tendency(const SpectrumBuffer& u_hat, double t, SpectrumBuffer& out) {
  const long m = grid_.size, n = options_.n;
  std::copy(u_hat.begin(), u_hat.end(), out.begin());
  fft_.inverse_destroying(out, physical_);
  double speed = 0, sum_of_squares = 0;  // the sum is non-finite when any u is
  for (long j = 0; j < n; ++j) {
    speed = std::max(speed, std::abs(physical_[j]));
    physical_[j] *= physical_[j];
    sum_of_squares += physical_[j];
  }
  FF_REQUIRE(std::isfinite(sum_of_squares), RunError, "u is not finite at t = {:.6g} (step {})", t, steps_);
  max_speed_ = speed;
  fft_.forward_unnormalized(physical_, out);
  // −(u²/2)_x: multiply by −iκ/2, with the 1/n of the forward transform.
  const std::complex<double> factor(0, -0.5 / static_cast<double>(n));
  for (long k = 0; k < m; ++k) out[k] *= factor * grid_.kappa[0][k] * grid_.dealias[k];
  if (forcing_) {
    forcing_(t, forcing_values_.data());
    fft_.forward(forcing_values_.data(), forcing_hat_.data());
    for (long k = 0; k < m; ++k) out[k] += forcing_hat_[k];
  }
}

double Burgers1D::choose_step(double remaining) const {
  double h = std::min(options_.max_dt, remaining);
  const double cfl = h * max_speed_ * options_.n;
  if (cfl > options_.cfl) {
    FF_REQUIRE(
        options_.adaptive, RunError,
        "CFL number dt*max|u|*n = {:.5g} exceeds {:.5g} at t = {:.6g} (max|u| = {:.3g}): reduce dt or set adaptive",
        cfl, options_.cfl, time_, max_speed_);
    h = options_.cfl / (max_speed_ * options_.n);
  }
  return h;
}

void Burgers1D::advance_to(double t_end) {
  // Steps shorter than this are round-off remainders of t_end − time.
  const double tolerance = 1e-12 * std::max(1.0, std::abs(t_end));
  const IntegratingFactorRK4::Tendency rhs = [this](const SpectrumBuffer& u_hat, double t, SpectrumBuffer& out) {
    tendency(u_hat, t, out);
  };
  while (t_end - time_ > tolerance) {
    tendency(u_hat_, time_, first_tendency_);
    const double h = choose_step(t_end - time_);
    stepper_.step(u_hat_, first_tendency_, time_, h, rhs);
    ++steps_;
    time_ = t_end - time_ - h <= tolerance ? t_end : time_ + h;
  }
}

}  // namespace ff::spectral
