// A coefficient field as a case file gives it (a constant, a Gaussian random
// field, or a nodal field of an earlier mesh dataset), evaluated at the local
// dofs of a FeSpace: what solve.poisson takes as its conductivity a.
// This header is free of PETSc, so stage headers can hold a CoefficientSource.
#pragma once

#include "solvers/fourier/grf.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ff::fem {

class FeSpace;

struct CoefficientSource {
  enum class Kind { constant, grf, file } kind = Kind::constant;
  double value = 1;           // constant
  spectral::GrfOptions grf;   // grf: on the periodic unit grid mapped onto the mesh's bounding box
  bool exponentiate = false;  // grf: a = exp(field), else high/low by sign
  double high = 12, low = 3;
  std::filesystem::path file;  // file: a fieldforge mesh dataset
  std::string field = "inputs/a";
  long sample = 0;
};

// Where a grf coefficient's draw comes from: the same (seed, stream) always
// gives the same field. A stage passes the run's seed and its own name, as
// generate.grf does, and its FFTW wisdom file (spectral::wisdom_file_for).
struct CoefficientDraw {
  std::uint64_t seed = 0;
  std::string stream;                 // hashed into the random stream, e.g. the stage's name
  std::filesystem::path wisdom_file;  // FFT plans shared by the ranks; empty: none kept
};

// Collective on the space's communicator. The field at the space's local dofs:
//  - grf: one sample (sample 0 of the stream draw.stream under draw.seed)
//    of the field on the periodic n^dim grid of [0,1)^dim, stretched over
//    the mesh's bounding box and interpolated multilinearly to each dof,
//    then thresholded (high where >= 0, low elsewhere) or exponentiated;
//  - file: the values at the file's /mesh/nodes, matched to this mesh's
//    vertices by their coordinates (the field must live on the same mesh:
//    bitwise equal node coordinates, as solve.poisson writes them); P2 edge
//    dofs take the mean of their two vertices, the P1 interpolant. InputError
//    naming file and field for a missing field, a wrong shape or a vertex
//    the file lacks.
std::vector<double> coefficient_at_dofs(const FeSpace& space, const CoefficientSource& source,
                                        const CoefficientDraw& draw);

}  // namespace ff::fem
