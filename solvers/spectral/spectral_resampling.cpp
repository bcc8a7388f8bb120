#include "solvers/spectral/spectral_resampling.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cstdlib>

namespace ff::spectral {
namespace {

long half_width(int n) { return n / 2 + 1; }

// Index in the n² half spectrum of mode (kx, ky) after aliasing onto the
// n-point grid, or −1 when that mode lies in the omitted half (its conjugate
// is stored instead, and contributes through the conjugate pair).
long aliased_entry(long kx, long ky, int n) {
  const long ax = ((kx % n) + n) % n, ay = ((ky % n) + n) % n;
  return ay <= n / 2 ? ax * half_width(n) + ay : -1;
}

}  // namespace

void transfer_spectrum(const std::complex<double>* from, int n_from, std::complex<double>* to, int n_to) {
  if (n_from == n_to) {
    std::copy(from, from + static_cast<long>(n_to) * half_width(n_to), to);
    return;
  }
  std::fill(to, to + static_cast<long>(n_to) * half_width(n_to), std::complex<double>(0));
  const int limit = (std::min(n_from, n_to) - 1) / 2;  // |k| ≤ limit is on both grids, without Nyquist modes
  for (int kx = -limit; kx <= limit; ++kx)
    for (int ky = 0; ky <= limit; ++ky) {
      const long source = ((kx + n_from) % n_from) * half_width(n_from) + ky;
      to[((kx + n_to) % n_to) * half_width(n_to) + ky] = from[source];
    }
}

PointSampler::PointSampler(int n_from, int n_to)
    : n_from_(n_from),
      n_to_(n_to),
      fft_({n_to, n_to}, 1),
      folded_(static_cast<long>(n_to) * half_width(n_to)),
      values_(static_cast<long>(n_to) * n_to) {
  FF_REQUIRE(n_from >= 2 && n_to >= 2, InputError, "point sampling needs grids of at least 2 points");
}

void PointSampler::sample(const std::complex<double>* spectrum, double* values) {
  std::fill(folded_.begin(), folded_.end(), std::complex<double>(0));
  const int n = n_from_;
  const bool even = n % 2 == 0;
  auto add = [&](long kx, long ky, std::complex<double> c) {
    const long target = aliased_entry(kx, ky, n_to_);
    if (target >= 0) folded_[target] += c;
  };
  for (int i = 0; i < n; ++i) {
    const long kx = wavenumber(i, n);
    // A Nyquist wavenumber n/2 stands for cos(π n x), half at +n/2 and half
    // at −n/2: the real interpolant through the grid values.
    const bool nyquist_x = even && 2 * kx == n;
    for (long ky = 0; ky < half_width(n); ++ky) {
      const std::complex<double> c = spectrum[i * half_width(n) + ky];
      if (c == 0.0) continue;
      // Columns ky > 0 stand for the conjugate mode at −k too (the Nyquist
      // column with half of each, the other half coming from the entry at
      // −kx); the column ky = 0 holds both members of each pair itself.
      const bool pair = ky != 0;
      const double weight = (nyquist_x ? 0.5 : 1.0) * (even && 2 * ky == n ? 0.5 : 1.0);
      for (long sign : {1L, -1L}) {
        if (sign < 0 && !nyquist_x) break;
        add(sign * kx, ky, weight * c);
        if (pair) add(-sign * kx, -ky, weight * std::conj(c));
      }
    }
  }
  fft_.inverse_destroying(folded_, values_);
  std::copy(values_.begin(), values_.end(), values);
}

}  // namespace ff::spectral
