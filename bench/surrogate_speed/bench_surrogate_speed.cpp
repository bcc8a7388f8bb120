// Cost of one recorded step of 2D Navier–Stokes (ν = 1e-3, FNO data
// protocol, Δt = 1 time unit between records, 64^2 stored) two ways:
//
//   solver  fieldforge's NavierStokes2D at 256^2 with dt = 1e-4: 10^4 steps
//           per recorded step (as generate.ns2d runs it), FNO forcing
//           f = 0.1 (sin 2π(x+y) + cos 2π(x+y)), w0 a GRF (α 2.5, τ 7, σ 7^(3/4));
//   FNO     one forward pass of the NS FNO-2D (10 input channels = the 10
//           previous records, 2 periodic grid channels, width 20, 12 modes,
//           4 layers, projection 128, 1 output channel = the next record) on
//           a batch of one 64^2 input, under torch::NoGradGuard.
//
//   bench_surrogate_speed THREADS SOLVER_STEPS WARMUP_STEPS MIN_SECONDS ROUNDS [SEED]
//
// The solver is timed over SOLVER_STEPS steps (best of ROUNDS runs from the
// same w0) and its time per step scaled to the 10^4 steps of one record. The
// FNO is timed over repeated forward passes for at least MIN_SECONDS per
// round, best of ROUNDS. The FNO's weights are random: a forward pass does
// the same arithmetic whatever their values. Threads: at::set_num_threads
// for LibTorch, FIELDFORGE_THREADS for FFTW (set both to THREADS).
// Prints one JSON object on stdout.
#include "operators/models/fno/fno.hpp"
#include "solvers/fourier/fft.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/spectral/navier_stokes_2d.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr int solve_n = 256, store_n = 64;
constexpr double nu = 1e-3, dt = 1e-4, record_every = 1.0;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The FNO forcing on the grid, built as generate.ns2d builds it (x = i/n on
// the first axis, y = j/n on the second).
std::vector<double> fno_forcing(int n) {
  std::vector<double> f(static_cast<std::size_t>(n) * n);
  const double two_pi = 2 * M_PI;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = double(i) / n, y = double(j) / n;
      f[static_cast<std::size_t>(i) * n + j] = 0.1 * (std::sin(two_pi * (x + y)) + std::cos(two_pi * (x + y)));
    }
  return f;
}

struct SolverTiming {
  double seconds_per_step = 0;
  std::vector<double> runs;  // seconds per step of each run
};

SolverTiming time_solver(long steps, long warmup, int rounds, std::uint64_t seed) {
  ff::spectral::GrfOptions grf_options;
  grf_options.dim = 2;
  grf_options.n = solve_n;
  grf_options.alpha = 2.5;
  grf_options.tau = 7.0;
  grf_options.sigma = std::pow(7.0, 0.75);
  ff::spectral::GaussianRandomField grf(grf_options);
  std::vector<double> w0(grf.size());
  ff::SampleRng rng(seed, 0, 0);
  grf.sample(rng, w0.data());

  ff::spectral::NavierStokes2DOptions options;
  options.n = solve_n;
  options.nu = nu;
  options.dt = dt;
  options.scheme = ff::spectral::TimeScheme::fno;  // the data protocol's step
  ff::spectral::NavierStokes2D solver(options, fno_forcing(solve_n));
  solver.set_vorticity(w0.data());
  solver.advance(warmup);
  SolverTiming t;
  for (int r = 0; r < rounds; ++r) {
    solver.set_vorticity(w0.data());
    const auto start = Clock::now();
    solver.advance(steps);
    t.runs.push_back(seconds_since(start) / steps);
  }
  t.seconds_per_step = *std::min_element(t.runs.begin(), t.runs.end());
  return t;
}

struct FnoTiming {
  double seconds_per_prediction = 0;
  long calls = 0;  // in the best round
  int64_t parameters = 0;
};

FnoTiming time_fno(double min_seconds, int rounds) {
  ff::operators::FnoOptions options;
  options.modes = {12, 12};
  options.in_channels = 10;
  options.out_channels = 1;
  options.width = 20;
  options.layers = 4;
  options.projection = 128;
  options.grid = ff::operators::GridChannels::periodic;
  ff::operators::Fno model(options);
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor history = torch::randn({1, 10, store_n, store_n});
  FnoTiming t;
  t.parameters = model->parameter_count();
  for (int i = 0; i < 10; ++i) model(history);  // warm-up: allocator, FFT plans
  t.seconds_per_prediction = 1e300;
  for (int r = 0; r < rounds; ++r) {
    long calls = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < min_seconds) {
      const torch::Tensor next = model(history);
      ++calls;
      elapsed = seconds_since(start);
    }
    if (elapsed / calls < t.seconds_per_prediction) {
      t.seconds_per_prediction = elapsed / calls;
      t.calls = calls;
    }
  }
  return t;
}

int run(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: bench_surrogate_speed THREADS SOLVER_STEPS WARMUP_STEPS MIN_SECONDS ROUNDS [SEED]\n"
                 "  one NS 2D recorded step (64^2): spectral solver at 256^2 versus an FNO-2D forward pass\n");
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  const long steps = std::atol(argv[2]), warmup = std::atol(argv[3]);
  const double min_seconds = std::atof(argv[4]);
  const int rounds = std::max(1, std::atoi(argv[5]));
  const std::uint64_t seed = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : 2024;
  if (threads < 1 || steps < 1 || warmup < 0) {
    std::fprintf(stderr, "bench_surrogate_speed: need THREADS >= 1, SOLVER_STEPS >= 1, WARMUP_STEPS >= 0\n");
    return 2;
  }
  at::set_num_threads(threads);
  torch::manual_seed(seed);

  const long steps_per_record = std::lround(record_every / dt);
  const SolverTiming solver = time_solver(steps, warmup, rounds, seed);
  const FnoTiming fno = time_fno(min_seconds, rounds);
  const double solver_seconds = solver.seconds_per_step * steps_per_record;

  std::string runs = "[";
  for (std::size_t i = 0; i < solver.runs.size(); ++i) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%.6g", i ? ", " : "", solver.runs[i]);
    runs += text;
  }
  runs += "]";
  std::printf(
      "{\"threads\": %d, \"fftw_threads\": %d, \"solve_n\": %d, \"store_n\": %d, \"nu\": %g, \"dt\": %g, "
      "\"steps_per_record\": %ld, \"solver_timed_steps\": %ld, \"solver_s_per_step\": %.9g, "
      "\"solver_s_per_step_runs\": %s, \"solver_s_per_record\": %.6g, \"fno_parameters\": %lld, "
      "\"fno_s_per_prediction\": %.9g, \"fno_calls\": %ld, \"ratio\": %.6g}\n",
      at::get_num_threads(), ff::spectral::fft_threads(), solve_n, store_n, nu, dt, steps_per_record, steps,
      solver.seconds_per_step, runs.c_str(), solver_seconds, static_cast<long long>(fno.parameters),
      fno.seconds_per_prediction, fno.calls, solver_seconds / fno.seconds_per_prediction);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_surrogate_speed: %s\n", e.what());
    return 1;
  }
}
