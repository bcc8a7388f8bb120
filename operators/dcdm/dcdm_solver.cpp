#include "operators/dcdm/dcdm_solver.hpp"

#include "core/error.hpp"

#include <torch/nn/modules/container/any.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <deque>

namespace ff::operators {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double scalar_product(const torch::Tensor& a, const torch::Tensor& b) { return (a * b).sum().item<double>(); }

struct Direction {
  torch::Tensor d, Ad;
  double dAd;
};

struct Orthogonalized {
  torch::Tensor Ad;
  double dAd = 0;
  double dAd_before = 0;  // of d as it came in
};

// Makes d A-orthogonal to the kept directions (in place).
Orthogonalized orthogonalized(const GridLaplacian& A, torch::Tensor& d, const std::deque<Direction>& previous) {
  torch::Tensor Ad = A.apply(d);
  const double dAd_before = scalar_product(d, Ad);
  for (const Direction& p : previous) {
    const double beta = scalar_product(Ad, p.d) / p.dAd;
    d = d - beta * p.d;
    Ad = Ad - beta * p.Ad;
  }
  return {Ad, scalar_product(d, Ad), dAd_before};
}

// The energy minimum over span{d, q} (both A-orthogonal to the kept
// directions), replacing d and its products; d alone where the two are
// (nearly) dependent.
void combine_with_residual(torch::Tensor& d, Orthogonalized& od, const torch::Tensor& q, const Orthogonalized& oq,
                           const torch::Tensor& r) {
  const double dq = scalar_product(d, oq.Ad);
  const double determinant = od.dAd * oq.dAd - dq * dq;
  if (!(determinant > 1e-12 * od.dAd * oq.dAd)) return;
  const double dr = scalar_product(d, r), qr = scalar_product(q, r);
  const double cd = (oq.dAd * dr - dq * qr) / determinant;
  const double cq = (od.dAd * qr - dq * dr) / determinant;
  d = cd * d + cq * q;
  od.Ad = cd * od.Ad + cq * oq.Ad;
  od.dAd = scalar_product(d, od.Ad);
}

void check_system(const GridLaplacian& A, const torch::Tensor& b, const torch::Tensor& x) {
  FF_REQUIRE(b.sizes() == torch::IntArrayRef(A.shape()) && x.sizes() == b.sizes(), InputError,
             "DCDM: right-hand side and solution must be grids of the problem's shape");
  FF_REQUIRE(b.scalar_type() == torch::kFloat64 && x.scalar_type() == torch::kFloat64, InputError,
             "DCDM: vectors are float64");
}

}  // namespace

DcdmResult dcdm_solve(const GridLaplacian& A, const torch::Tensor& b, torch::Tensor& x, const DirectionModel& model,
                      const DcdmOptions& options) {
  check_system(A, b, x);
  torch::NoGradGuard no_grad;
  const auto start = Clock::now();
  DcdmResult result;
  const double b_norm = b.norm().item<double>();
  torch::Tensor r = b - A.apply(x);
  double r_norm = r.norm().item<double>();
  result.relative_residuals.push_back(r_norm / b_norm);
  std::deque<Direction> previous;
  while (r_norm > options.rtol * b_norm && result.iterations < options.max_iterations) {
    const auto model_start = Clock::now();
    torch::Tensor d = model(r / r_norm).to(torch::kFloat64) * A.fluid();
    if (d.is_cuda()) (void)d.view(-1)[0].item<double>();  // wait for the device before reading the clock
    result.model_seconds += seconds_since(model_start);
    Orthogonalized o = orthogonalized(A, d, previous);
    // A direction (nearly) in the span of the kept ones would stall the
    // iteration: take the residual instead.
    if (!(o.dAd > 1e-10 * o.dAd_before)) {
      d = r.clone();
      o = orthogonalized(A, d, previous);
      ++result.fallbacks;
    } else if (options.with_residual) {
      torch::Tensor q = r.clone();
      const Orthogonalized oq = orthogonalized(A, q, previous);
      combine_with_residual(d, o, q, oq, r);
    }
    const torch::Tensor& Ad = o.Ad;
    const double dAd = o.dAd;
    FF_REQUIRE(std::isfinite(dAd) && dAd > 0, RunError, "DCDM: no descent direction at iteration {} (d'Ad = {})",
               result.iterations + 1, dAd);
    const double alpha = scalar_product(d, r) / dAd;
    x.add_(d, alpha);
    r.sub_(Ad, alpha);
    r_norm = r.norm().item<double>();
    ++result.iterations;
    result.relative_residuals.push_back(r_norm / b_norm);
    if (options.keep_directions) result.directions.push_back(d);
    if (options.directions > 0) {
      previous.push_back({d, Ad, dAd});
      if (static_cast<int>(previous.size()) > options.directions) previous.pop_front();
    }
  }
  result.converged = r_norm <= options.rtol * b_norm;
  result.seconds = seconds_since(start);
  return result;
}

DcdmResult conjugate_gradient(const GridLaplacian& A, const torch::Tensor& b, torch::Tensor& x,
                              const DcdmOptions& options) {
  check_system(A, b, x);
  torch::NoGradGuard no_grad;
  const auto start = Clock::now();
  DcdmResult result;
  const double b_norm = b.norm().item<double>();
  torch::Tensor r = b - A.apply(x);
  torch::Tensor p = r.clone();
  double rr = scalar_product(r, r);
  result.relative_residuals.push_back(std::sqrt(rr) / b_norm);
  while (std::sqrt(rr) > options.rtol * b_norm && result.iterations < options.max_iterations) {
    const torch::Tensor Ap = A.apply(p);
    const double alpha = rr / scalar_product(p, Ap);
    x.add_(p, alpha);
    r.sub_(Ap, alpha);
    const double rr_next = scalar_product(r, r);
    p = r + (rr_next / rr) * p;
    rr = rr_next;
    ++result.iterations;
    result.relative_residuals.push_back(std::sqrt(rr) / b_norm);
  }
  result.converged = std::sqrt(rr) <= options.rtol * b_norm;
  result.seconds = seconds_since(start);
  return result;
}

DirectionModel network_directions(torch::nn::AnyModule network, torch::Tensor fluid) {
  return [network, fluid](const torch::Tensor& residual) mutable {
    torch::NoGradGuard no_grad;
    return network.forward(residual.to(torch::kFloat32)).to(torch::kFloat64) * fluid.to(torch::kFloat64);
  };
}

}  // namespace ff::operators
