// GRF sampling rate of fieldforge (one thread): draws samples of a 2D GRF
// until both a minimum count and a minimum time are reached, and prints one
// JSON object. Also reports the pointwise variance over the samples divided
// by Σλ_k, which should be 1 within sampling error, so the timed code is
// known to produce the right field.
//
//   bench_grf N MIN_SAMPLES MIN_SECONDS
#include "solvers/fourier/grf.hpp"
#include "solvers/fourier/modes.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 256;
  const long min_samples = argc > 2 ? std::atol(argv[2]) : 200;
  const double min_seconds = argc > 3 ? std::atof(argv[3]) : 2.0;

  ff::spectral::GrfOptions options;  // the FNO Darcy protocol: alpha 2, tau 3
  options.n = n;
  ff::spectral::GaussianRandomField grf(options);
  double total_variance = 0;
  for (const auto& m : ff::spectral::half_spectrum_modes(grf.shape()))
    total_variance += m.multiplicity * grf.mode_variance(m.k);

  std::vector<double> field(grf.size());
  double sum_sq = 0;
  long samples = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (samples < min_samples || elapsed < min_seconds) {
    ff::SampleRng rng(1, 0, samples);
    grf.sample(rng, field.data());
    for (double v : field) sum_sq += v * v;
    ++samples;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("{\"n\": %d, \"samples\": %ld, \"seconds\": %.6f, \"rate\": %.3f, \"variance_ratio\": %.5f}\n", n,
              samples, elapsed, samples / elapsed, sum_sq / (double(samples) * grf.size()) / total_variance);
  return 0;
}
