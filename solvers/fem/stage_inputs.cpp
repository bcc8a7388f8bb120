#include "solvers/fem/stage_inputs.hpp"

#include "core/error.hpp"
#include "solvers/fem/mesh.hpp"
#include "solvers/fem/mesh_gmsh.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>

namespace ff::fem {

OptionsSchema<BoxKeys> box_options(const std::string& dim_help, const std::string& cells, bool simplex,
                                   const std::string& upper) {
  OptionsSchema<BoxKeys> o;
  o.key("dim", &BoxKeys::dim, dim_help).def(2).at_least(2).at_most(3);
  o.key("cells", &BoxKeys::cells, "cells per axis (the first dim entries are used)").def(cells).at_least(1).smoke(8);
  o.key("simplex", &BoxKeys::simplex, "triangles/tetrahedra, else quadrilaterals/hexahedra").def(simplex);
  o.key("lower", &BoxKeys::lower, "lower corner of the box").def("[0, 0, 0]");
  o.key("upper", &BoxKeys::upper, "upper corner of the box").def(upper);
  return o;
}

BoxMeshOptions box_mesh(const BoxKeys& keys) {
  BoxMeshOptions box;
  box.dim = keys.dim;
  box.simplex = keys.simplex;
  FF_REQUIRE(static_cast<int>(keys.cells.size()) >= box.dim, InputError, "mesh.cells: expected {} counts, got {}",
             box.dim, keys.cells.size());
  for (int a = 0; a < box.dim; ++a) box.cells[a] = static_cast<int>(keys.cells[a]);
  box.lower = axis_vector(keys.lower, "mesh.lower", box.dim);
  box.upper = axis_vector(keys.upper, "mesh.upper", box.dim);
  for (int a = 0; a < box.dim; ++a)
    FF_REQUIRE(box.upper[a] > box.lower[a], InputError, "mesh.upper must exceed mesh.lower on axis {}", "xyz"[a]);
  return box;
}

OptionsSchema<FileOrBoxKeys> file_or_box_options() {
  // The box keys and their checks are box_options' and box_mesh's, so a box
  // means the same in every stage; the file comes last and overrides them.
  OptionsSchema<FileOrBoxKeys> o;
  o.merge(&FileOrBoxKeys::box, box_options("box mesh: dimension, 2 or 3", "[16, 16, 16]", true, "[1, 1, 1]"));
  o.file("file", &FileOrBoxKeys::file, ValueKind::input_file,
         "Gmsh 4 ASCII mesh (.msh; path as given, from the working directory); when set, the box keys are unused");
  return o;
}

MeshKeys mesh_keys(const FileOrBoxKeys& keys) {
  MeshKeys mesh;
  if (!keys.file.empty())
    mesh.file = keys.file;
  else
    mesh.box = box_mesh(keys.box);
  return mesh;
}

std::map<std::string, int> known_boundary_parts(const MeshKeys& mesh) {
  if (mesh.file.empty()) return Mesh::box_boundary_parts(mesh.box.dim);
  if (std::filesystem::exists(mesh.file)) return gmsh_boundary_parts(mesh.file);
  return {};
}

std::array<double, 3> axis_vector(const std::vector<double>& values, const std::string& key, int dim) {
  FF_REQUIRE(static_cast<int>(values.size()) >= dim, InputError, "{}: expected {} numbers (one per axis), got {}", key,
             dim, values.size());
  std::array<double, 3> out{0, 0, 0};
  std::copy(values.begin(), values.begin() + dim, out.begin());
  return out;
}

std::vector<std::string> split_names(const std::string& text) {
  std::string spaced = text;
  std::replace(spaced.begin(), spaced.end(), ',', ' ');
  std::istringstream in(spaced);
  std::vector<std::string> names;
  for (std::string name; in >> name;) names.push_back(name);
  return names;
}

void check_part_names(const std::string& key, const std::vector<std::string>& names,
                      const std::map<std::string, int>& known) {
  std::vector<std::string> known_names;
  for (const auto& [name, id] : known) known_names.push_back(name);
  for (const std::string& name : names) {
    if (known.empty() || known.count(name)) continue;
    const std::string nearest = nearest_name(name, known_names);
    throw InputError(fmt::format("{}: unknown boundary part '{}'{} (the mesh has: {})", key, name,
                                 nearest.empty() ? "" : fmt::format(" (did you mean '{}'?)", nearest),
                                 fmt::join(known_names, ", ")));
  }
}

}  // namespace ff::fem
