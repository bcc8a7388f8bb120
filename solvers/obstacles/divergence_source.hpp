// Right-hand sides of the pressure Poisson problem: b = −h²·div u (the
// h²-scaled form of −Δp = −div u, as PressureLaplacian is) of a random
// smooth velocity field u, with u·n = 0 on solid faces and on the
// walls of the box (the top face of an open_top problem lets flow through).
// Each velocity component is a sum of `modes` random Fourier modes of
// wavenumbers 1 to `max_wavenumber` per axis, so b has the large-scale
// content of a flow's intermediate velocity rather than white noise.
#pragma once

#include "solvers/obstacles/pressure_laplacian.hpp"

#include <cstdint>
#include <vector>

namespace ff::obstacles {

struct DivergenceSource {
  int modes = 8;
  int max_wavenumber = 4;
};

// b over the unknowns of `laplacian` from the stream (seed, stream, index).
std::vector<double> divergence_rhs(const PressureLaplacian& laplacian, const DivergenceSource& source,
                                   std::uint64_t seed, std::uint64_t index);

}  // namespace ff::obstacles
