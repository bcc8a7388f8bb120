#include "solvers/fourier/modes.hpp"

#include "solvers/fourier/fft.hpp"

namespace ff::spectral {

std::vector<HalfSpectrumMode> half_spectrum_modes(const std::vector<int>& shape) {
  const int d = static_cast<int>(shape.size());
  std::vector<int> extent = shape;
  extent.back() = shape.back() / 2 + 1;
  long total = 1;
  for (int e : extent) total *= e;

  std::vector<HalfSpectrumMode> modes(total);
  for (long flat = 0; flat < total; ++flat) {
    // Unravel the row-major index (last axis fastest).
    std::array<int, 3> index{0, 0, 0};
    long rest = flat;
    for (int a = d - 1; a >= 0; --a) {
      index[a] = static_cast<int>(rest % extent[a]);
      rest /= extent[a];
    }
    HalfSpectrumMode& m = modes[flat];
    for (int a = 0; a < d; ++a) m.k[a] = wavenumber(index[a], shape[a]);
    const int last = index[d - 1], n_last = shape[d - 1];
    const bool self_conjugate_plane = last == 0 || (n_last % 2 == 0 && last == n_last / 2);
    m.multiplicity = self_conjugate_plane ? 1 : 2;
    if (self_conjugate_plane) {
      // -k lies in the same plane: negate every other axis index modulo n.
      long conj = 0;
      for (int a = 0; a < d; ++a) {
        const int ci = a == d - 1 ? last : (shape[a] - index[a]) % shape[a];
        conj = conj * extent[a] + ci;
      }
      m.conjugate = conj;
    }
  }
  return modes;
}

}  // namespace ff::spectral
