// The case-file keys the finite-element stages share, read into plain
// structs: where the mesh comes from (a Gmsh file or a box), lists of
// boundary part names, vectors with one entry per axis and the `petsc:` map.
// This header stays free of PETSc so that stage headers, which the stage
// registry includes, can hold what it returns; building the mesh from it is
// in solvers/fem/stage_mesh.hpp.
#pragma once

#include "io/stage.hpp"
#include "solvers/fem/box_mesh_options.hpp"
#include "solvers/linear/krylov_options.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ff::fem {

// The mesh of a stage that takes a Gmsh file or a box: the file when `file`
// is set, else the box.
struct MeshKeys {
  std::filesystem::path file;
  BoxMeshOptions box;
};

// The `mesh:` map of such a stage: `file`, or the keys of box_schema (a unit
// square or cube of 16 cells per axis by default).
Schema file_or_box_schema();

// Reads that map; the box as read_box does.
MeshKeys read_file_or_box(const StageConfig& config);

// Boundary part names and ids of the mesh, known before it is built: the
// box's sides, or the file's physical groups. Empty for a file that does not
// exist yet (one an earlier stage will write): the parts are then checked
// when the mesh is built.
std::map<std::string, int> known_boundary_parts(const MeshKeys& mesh);

// The box keys of every stage, the `mesh:` map of one that only takes boxes:
// dim, simplex, and cells, lower and upper of which the first dim entries are
// used. The defaults of
// cells and upper are lists as a case file writes them, e.g. "[40, 8, 8]".
Schema box_schema(const std::string& dim_help, const std::string& cells, bool simplex, const std::string& upper);

// Reads that map. InputError when a list is too short or a corner does not
// lie below the other.
BoxMeshOptions read_box(const StageConfig& config);

// The first `dim` entries of the number list `key`, the rest 0. InputError
// when it has fewer.
std::array<double, 3> axis_vector(const StageConfig& config, const std::string& key, int dim);

// "left, right" or "left right" -> {"left", "right"}.
std::vector<std::string> split_names(const std::string& text);

// InputError naming `key`, the nearest known name and all of them for the
// first of `names` that `known` lacks. An empty `known` accepts every name
// (see known_boundary_parts).
void check_part_names(const std::string& key, const std::vector<std::string>& names,
                      const std::map<std::string, int>& known);

// The `petsc:` map (linear::krylov_schema) of a stage.
linear::KrylovOptions read_krylov(const StageConfig& config);

}  // namespace ff::fem
