#include "solvers/spectral/integrating_factor_rk4.hpp"

#include <cmath>

namespace ff::spectral {

IntegratingFactorRK4::IntegratingFactorRK4(std::vector<double> rate, int blocks)
    : rate_(std::move(rate)), block_(static_cast<long>(rate_.size())), blocks_(blocks), half_decay_(rate_.size(), 1.0) {
  for (auto* b : {&stage_, &k2_, &k3_, &k4_}) b->assign(block_ * blocks_, 0.0);
}

void IntegratingFactorRK4::set_step(double h) {
  if (h == step_) return;
  step_ = h;
  for (long k = 0; k < block_; ++k) half_decay_[k] = std::exp(0.5 * h * rate_[k]);
}

void IntegratingFactorRK4::step(SpectrumBuffer& u_hat, const SpectrumBuffer& first, double t, double h,
                                const Tendency& tendency) {
  set_step(h);
  // In the variable v = exp(−L t) û the scheme is plain RK4; written back in
  // û, each stage carries the decay over the time it spans.
  auto each = [&](auto update) {
    for (long b = 0; b < blocks_; ++b)
      for (long k = 0; k < block_; ++k) update(b * block_ + k, half_decay_[k]);
  };
  each([&](long i, double e) { stage_[i] = e * (u_hat[i] + 0.5 * h * first[i]); });
  tendency(stage_, t + 0.5 * h, k2_);
  each([&](long i, double e) { stage_[i] = e * u_hat[i] + 0.5 * h * k2_[i]; });
  tendency(stage_, t + 0.5 * h, k3_);
  each([&](long i, double e) { stage_[i] = e * e * u_hat[i] + h * e * k3_[i]; });
  tendency(stage_, t + h, k4_);
  each([&](long i, double e) {
    u_hat[i] = e * e * (u_hat[i] + h / 6 * first[i]) + h / 3 * e * (k2_[i] + k3_[i]) + h / 6 * k4_[i];
  });
}

}  // namespace ff::spectral
