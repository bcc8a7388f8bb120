// The case-file keys the finite-element stages share, declared once through
// OptionsSchema (io/options.hpp) and read into plain structs: where the mesh
// comes from (a Gmsh file or a box), lists of boundary part names, vectors
// with one entry per axis, the `samples` split and the storage `dtype`; the
// `petsc:` and `newton:` maps are solvers/linear's krylov_options and
// newton_options. This header stays free of PETSc so that stage headers,
// which the stage registry includes, can hold what it returns; building the
// mesh from it is in solvers/fem/stage_mesh.hpp.
#pragma once

#include "io/dataset_layout.hpp"
#include "io/options.hpp"
#include "solvers/fem/box_mesh_options.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ff::fem {

// The box keys of a `mesh:` map as a case file gives them: the lists as
// written (the first dim entries are used), checked by box_mesh.
struct BoxKeys {
  int dim = 2;
  std::vector<long> cells;
  bool simplex = true;
  std::vector<double> lower;
  std::vector<double> upper;
};

// The box keys of every stage, the `mesh:` map of one that only takes boxes:
// dim, cells, simplex, lower and upper, of which the first dim entries are
// used. The defaults of cells and upper are lists as a case file writes them,
// e.g. "[40, 8, 8]".
OptionsSchema<BoxKeys> box_options(const std::string& dim_help, const std::string& cells, bool simplex,
                                   const std::string& upper);

// The box of those keys. InputError when a list is too short or a corner
// does not lie below the other.
BoxMeshOptions box_mesh(const BoxKeys& keys);

// The `mesh:` map of a stage that takes a Gmsh file or a box: the keys of
// box_options (a unit square or cube of 16 cells per axis by default), then
// `file`, which overrides them when set.
struct FileOrBoxKeys {
  BoxKeys box;
  std::filesystem::path file;
};
OptionsSchema<FileOrBoxKeys> file_or_box_options();

// The mesh of such a stage: the file when `file` is set, else the box.
struct MeshKeys {
  std::filesystem::path file;
  BoxMeshOptions box;
};

// The file, or the box as box_mesh makes it (its checks only without a file).
MeshKeys mesh_keys(const FileOrBoxKeys& keys);

// Boundary part names and ids of the mesh, known before it is built: the
// box's sides, or the file's physical groups. Empty for a file that does not
// exist yet (one an earlier stage will write): the parts are then checked
// when the mesh is built.
std::map<std::string, int> known_boundary_parts(const MeshKeys& mesh);

// The first `dim` entries of the number list `values` of the key `key`, the
// rest 0. InputError naming `key` when it has fewer.
std::array<double, 3> axis_vector(const std::vector<double>& values, const std::string& key, int dim);

// "left, right" or "left right" -> {"left", "right"}.
std::vector<std::string> split_names(const std::string& text);

// InputError naming `key`, the nearest known name and all of them for the
// first of `names` that `known` lacks. An empty `known` accepts every name
// (see known_boundary_parts).
void check_part_names(const std::string& key, const std::vector<std::string>& names,
                      const std::map<std::string, int>& known);

}  // namespace ff::fem
