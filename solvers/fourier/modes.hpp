// Wavenumbers of the half spectrum laid out as in fft.hpp, with how many
// full-spectrum modes each stored entry stands for.
#pragma once

#include <array>
#include <vector>

namespace ff::spectral {

struct HalfSpectrumMode {
  std::array<int, 3> k{0, 0, 0};  // signed wavenumber per axis (unused axes 0)
  int multiplicity = 1;           // 2 when the entry also stands for its conjugate -k
  long conjugate = -1;            // flat index of -k in the half spectrum, or -1 if -k is not stored
};

// One entry per stored coefficient of a real field of the given shape.
std::vector<HalfSpectrumMode> half_spectrum_modes(const std::vector<int>& shape);

// |k|² with k the signed wavenumber vector.
inline double k_squared(const std::array<int, 3>& k) {
  return static_cast<double>(k[0]) * k[0] + static_cast<double>(k[1]) * k[1] + static_cast<double>(k[2]) * k[2];
}

}  // namespace ff::spectral
