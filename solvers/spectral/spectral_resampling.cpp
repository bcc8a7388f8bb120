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
  std::fill(to, to + static_cast<long>(n_to) * half_width(n_to), std::complex<double>(0));
  const int limit = std::min(n_from, n_to) / 2;  // |k| < limit is on both grids
  for (int kx = 1 - limit; kx < limit; ++kx)
    for (int ky = 0; ky < limit; ++ky) {
      const long source = ((kx + n_from) % n_from) * half_width(n_from) + ky;
      to[((kx + n_to) % n_to) * half_width(n_to) + ky] = from[source];
    }
}

PointSampler::PointSampler(int n_from, int n_to)
    : n_from_(n_from), n_to_(n_to), fft_({n_to, n_to}, 1), folded_(static_cast<long>(n_to) * half_width(n_to)),
      values_(static_cast<long>(n_to) * n_to) {
  FF_REQUIRE(n_from >= 2 && n_to >= 2, InputError, "point sampling needs grids of at least 2 points");
  const long entries = static_cast<long>(n_from) * half_width(n_from);
  target_.assign(entries, -1);
  conjugate_target_.assign(entries, -1);
  for (long e = 0; e < entries; ++e) {
    const long kx = wavenumber(static_cast<int>(e / half_width(n_from)), n_from), ky = e % half_width(n_from);
    target_[e] = aliased_entry(kx, ky, n_to);
    // Interior columns stand for the mode and its conjugate −k; the columns
    // ky = 0 and ky = n/2 hold both members of each pair themselves.
    const bool pair = ky != 0 && !(n_from % 2 == 0 && ky == n_from / 2);
    if (pair) conjugate_target_[e] = aliased_entry(-kx, -ky, n_to);
  }
}

void PointSampler::sample(const std::complex<double>* spectrum, double* values) {
  std::fill(folded_.begin(), folded_.end(), std::complex<double>(0));
  const long entries = static_cast<long>(target_.size());
  for (long e = 0; e < entries; ++e) {
    if (target_[e] >= 0) folded_[target_[e]] += spectrum[e];
    if (conjugate_target_[e] >= 0) folded_[conjugate_target_[e]] += std::conj(spectrum[e]);
  }
  fft_.inverse_destroying(folded_, values_);
  std::copy(values_.begin(), values_.end(), values);
}

}  // namespace ff::spectral
