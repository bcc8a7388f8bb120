// Time per step of fieldforge's 2D Navier–Stokes solver with the FNO
// generator's step (`scheme: fno`: one explicit advection evaluation,
// Crank–Nicolson, its dealiasing) on the FNO data protocol: nu = 1e-3,
// dt = 1e-4, f = 0.1 (sin 2pi(x+y) + cos 2pi(x+y)), w0 a GRF with alpha 2.5,
// tau 7 and the FNO code's amplitude (sigma = sqrt(2) 7^(3/2) here). Also
// times one FFTW real transform of the same grid, so the step time can be
// compared with the FFT work it cannot avoid.
//
//   bench_ns2d_step N STEPS WARMUP_STEPS INIT_FILE FINAL_FILE [REPEATS [SEED]]
//
// Writes w0 to INIT_FILE and the state after STEPS steps from w0 to
// FINAL_FILE, both as N*N raw little-endian float64 values (row-major, first
// index x = i/N), so a reference implementation can start from the same field
// and check that it ends at the same one. Threads: FIELDFORGE_THREADS (FFTW).
// Prints one JSON object on stdout.
#include "solvers/fourier/fft.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/spectral/navier_stokes_2d.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Raw float64, little-endian whatever the host's byte order.
void write_float64_le(const std::string& path, const std::vector<double>& values) {
  std::vector<unsigned char> bytes(values.size() * 8);
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &values[i], 8);
    for (int b = 0; b < 8; ++b) bytes[8 * i + b] = static_cast<unsigned char>(bits >> (8 * b));
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
    std::fprintf(stderr, "bench_ns2d_step: cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

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

struct FftTiming {
  double forward = 0, inverse = 0;  // seconds per transform, best round
  long repetitions = 0;             // per round
};

// Times forward_unnormalized (r2c) and inverse_destroying (c2r) of an n x n
// grid: pairs inverse -> forward on the solver's kind of buffers, each call
// timed on its own; between pairs the spectrum is scaled back by 1/N (the
// unnormalised forward multiplies it by N), outside the timed calls. Each
// round runs until `min_seconds` of transforms and `min_pairs` pairs; the
// best round's means are kept.
FftTiming time_fft(int n, const std::vector<double>& field_values, int rounds, double min_seconds, long min_pairs) {
  ff::spectral::RealFFT fft({n, n});
  const long n2 = fft.real_size(), m = fft.spectral_size();
  ff::spectral::RealBuffer field(field_values.begin(), field_values.end());
  ff::spectral::SpectrumBuffer spectrum(m);
  fft.forward(field.data(), spectrum.data());
  const double rescale = 1.0 / static_cast<double>(n2);

  auto pair = [&](double& t_inverse, double& t_forward) {
    auto t0 = Clock::now();
    fft.inverse_destroying(spectrum, field);
    auto t1 = Clock::now();
    fft.forward_unnormalized(field, spectrum);
    auto t2 = Clock::now();
    t_inverse += std::chrono::duration<double>(t1 - t0).count();
    t_forward += std::chrono::duration<double>(t2 - t1).count();
    for (long k = 0; k < m; ++k) spectrum[k] *= rescale;
  };

  FftTiming best;
  best.forward = best.inverse = std::numeric_limits<double>::infinity();
  double unused_i = 0, unused_f = 0;
  for (int w = 0; w < 3; ++w) pair(unused_i, unused_f);  // touch the buffers and plans
  for (int r = 0; r < rounds; ++r) {
    double t_inverse = 0, t_forward = 0;
    long pairs = 0;
    while (pairs < min_pairs || t_inverse + t_forward < min_seconds) {
      pair(t_inverse, t_forward);
      ++pairs;
    }
    if (t_inverse + t_forward < best.inverse + best.forward) {
      best.inverse = t_inverse / pairs;
      best.forward = t_forward / pairs;
      best.repetitions = pairs;
    }
  }
  return best;
}

int run(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: bench_ns2d_step N STEPS WARMUP_STEPS INIT_FILE FINAL_FILE [REPEATS [SEED]]\n"
                 "  times STEPS steps of the FNO-protocol NS 2D solver at N^2 (best of REPEATS, default 3)\n");
    return 2;
  }
  const int n = std::atoi(argv[1]);
  const long steps = std::atol(argv[2]);
  const long warmup = std::atol(argv[3]);
  const std::string init_file = argv[4], final_file = argv[5];
  const int repeats = argc > 6 ? std::max(1, std::atoi(argv[6])) : 3;
  const std::uint64_t seed = argc > 7 ? std::strtoull(argv[7], nullptr, 10) : 2024;
  if (n < 8 || steps < 1 || warmup < 0) {
    std::fprintf(stderr, "bench_ns2d_step: need N >= 8, STEPS >= 1, WARMUP_STEPS >= 0\n");
    return 2;
  }

  // Initial vorticity: the covariance of the FNO code's GaussianRF(alpha 2.5, tau 7).
  ff::spectral::GrfOptions grf_options;
  grf_options.dim = 2;
  grf_options.n = n;
  grf_options.alpha = 2.5;
  grf_options.tau = 7.0;
  grf_options.sigma = std::sqrt(2.0) * std::pow(7.0, 1.5);
  ff::spectral::GaussianRandomField grf(grf_options);
  std::vector<double> w0(grf.size());
  ff::SampleRng rng(seed, 0, 0);
  grf.sample(rng, w0.data());
  write_float64_le(init_file, w0);

  ff::spectral::NavierStokes2DOptions options;
  options.n = n;
  options.nu = 1e-3;
  options.dt = 1e-4;
  options.scheme = ff::spectral::TimeScheme::fno;
  options.threads = ff::spectral::fft_threads();
  ff::spectral::NavierStokes2D solver(options, fno_forcing(n));

  // Warm-up (caches, page faults, thread pools), then the timed runs, each
  // from w0 again so every run does the same work.
  solver.set_vorticity(w0.data());
  solver.advance(warmup);
  std::vector<double> run_seconds;
  for (int r = 0; r < repeats; ++r) {
    solver.set_vorticity(w0.data());
    const auto start = Clock::now();
    solver.advance(steps);
    run_seconds.push_back(seconds_since(start));
  }
  std::vector<double> w(w0.size());
  solver.vorticity(w.data());
  write_float64_le(final_file, w);

  const FftTiming fft = time_fft(n, w0, 3, 0.3, 20);
  const double per_step = *std::min_element(run_seconds.begin(), run_seconds.end()) / steps;
  const double per_fft = 0.5 * (fft.forward + fft.inverse);
  const int ffts = solver.ffts_per_step();

  std::string runs = "[";
  for (std::size_t i = 0; i < run_seconds.size(); ++i) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%.6g", i ? ", " : "", run_seconds[i] / steps);
    runs += text;
  }
  runs += "]";
  std::printf(
      "{\"n\": %d, \"steps\": %ld, \"warmup_steps\": %ld, \"threads\": %d, \"seconds_per_step\": %.9g, "
      "\"seconds_per_step_runs\": %s, \"seconds_per_fft\": %.9g, \"seconds_forward_fft\": %.9g, "
      "\"seconds_inverse_fft\": %.9g, \"fft_repetitions\": %ld, \"ffts_per_step\": %d, \"fft_bound_ratio\": %.6g}\n",
      n, steps, warmup, ff::spectral::fft_threads(), per_step, runs.c_str(), per_fft, fft.forward, fft.inverse,
      fft.repetitions, ffts, per_step / (ffts * per_fft));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ns2d_step: %s\n", e.what());
    return 1;
  }
}
