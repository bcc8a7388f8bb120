// The integrating-factor Runge–Kutta scheme IFRK4 for spectral systems
//
//   û' = L û + N(û, t),   L diagonal and ≤ 0 (diffusion, drag),
//
// which integrates the stiff linear part exactly through exp(L t) and the
// rest with classical RK4, so the step is limited only by N (Cox & Matthews
// call this "IFRK4"). The state is `blocks` consecutive arrays of the same
// half spectrum (one per velocity component) sharing one L.
#pragma once

#include "solvers/fourier/fft.hpp"

#include <functional>
#include <vector>

namespace ff::spectral {

class IntegratingFactorRK4 {
 public:
  // tendency(state, t, out) writes N(state, t).
  using Tendency = std::function<void(const SpectrumBuffer& state, double t, SpectrumBuffer& out)>;

  // `rate` holds L per coefficient of one block.
  IntegratingFactorRK4(std::vector<double> rate, int blocks);

  // Advances u_hat from t to t + h. `first` must already hold N(u_hat, t):
  // callers evaluate it first to choose or check h (CFL) from that state.
  void step(SpectrumBuffer& u_hat, const SpectrumBuffer& first, double t, double h, const Tendency& tendency);

 private:
  void set_step(double h);

  std::vector<double> rate_;
  long block_ = 0;
  int blocks_ = 1;
  double step_ = 0;
  std::vector<double> half_decay_;  // exp(L h/2); its square is the full-step factor
  SpectrumBuffer stage_, k2_, k3_, k4_;
};

}  // namespace ff::spectral
