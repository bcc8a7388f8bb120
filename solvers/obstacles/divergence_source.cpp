#include "solvers/obstacles/divergence_source.hpp"

#include "core/rng.hpp"

#include <array>
#include <cmath>

namespace ff::obstacles {

namespace {

constexpr std::uint64_t kVelocityStream = 0xd17e46e;

struct Mode {
  std::array<double, 3> wavenumber{0, 0, 0};
  std::array<double, 3> phase{0, 0, 0};
  double amplitude = 0;
};

}  // namespace

std::vector<double> divergence_rhs(const PressureLaplacian& laplacian, const DivergenceSource& source,
                                   std::uint64_t seed, std::uint64_t index) {
  const CellGrid& grid = laplacian.grid();
  const int dim = grid.dim();
  SampleRng rng(seed, kVelocityStream, index);
  // modes[axis][m]: the velocity component along `axis`.
  std::vector<std::vector<Mode>> modes(dim, std::vector<Mode>(source.modes));
  for (auto& component : modes)
    for (Mode& mode : component) {
      for (int axis = 0; axis < dim; ++axis) {
        mode.wavenumber[axis] = 2 * M_PI * (1 + static_cast<int>(rng.uniform() * source.max_wavenumber));
        mode.phase[axis] = 2 * M_PI * rng.uniform();
      }
      mode.amplitude = rng.normal();
    }
  auto velocity = [&](int axis, const std::array<double, 3>& x) {
    double u = 0;
    for (const Mode& mode : modes[axis]) {
      double term = mode.amplitude;
      for (int a = 0; a < dim; ++a) term *= std::sin(mode.wavenumber[a] * x[a] + mode.phase[a]);
      u += term;
    }
    return u;
  };

  // h² div u ≈ h Σ_faces u·n over the cell's open faces.
  const double h = 1.0 / grid.n();
  std::vector<double> rhs(laplacian.size(), 0.0);
  for (long i = 0; i < laplacian.size(); ++i) {
    const long cell = laplacian.cell_of_unknown()[i];
    const std::array<long, 3> ijk = grid.coordinates(cell);
    const std::array<double, 3> centre = grid.centre(cell);
    double outflow = 0;
    for (int axis = 0; axis < dim; ++axis)
      for (int side : {-1, 1}) {
        const long j = ijk[axis] + side;
        const bool top = axis == 0 && j == grid.n();
        const bool wall = j < 0 || j >= grid.n();
        if ((wall && !(top && laplacian.boundary() == PressureBoundary::open_top)) ||
            (!wall && grid.solid(cell + side * grid.stride(axis))))
          continue;
        std::array<double, 3> face = centre;
        face[axis] += 0.5 * side * h;
        outflow += side * velocity(axis, face);
      }
    rhs[i] = -h * outflow;
  }
  return rhs;
}

}  // namespace ff::obstacles
