#include "solvers/fem/stage_inputs.hpp"

#include "core/error.hpp"
#include "solvers/fem/mesh.hpp"
#include "solvers/fem/mesh_gmsh.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>

namespace ff::fem {

Schema file_or_box_schema() {
  // The box keys and their reading are box_schema's and read_box's, so a box
  // means the same in every stage; the file comes last and overrides them.
  Schema mesh = box_schema("box mesh: dimension, 2 or 3", "[16, 16, 16]", true, "[1, 1, 1]");
  mesh.key("file", ValueKind::input_file,
           "Gmsh 4 ASCII mesh (.msh; path as given, from the working directory); when set, the box keys are unused");
  return mesh;
}

MeshKeys read_file_or_box(const StageConfig& config) {
  MeshKeys mesh;
  if (config.has("mesh.file"))
    mesh.file = config.get<std::string>("mesh.file");
  else
    mesh.box = read_box(config);
  return mesh;
}

std::map<std::string, int> known_boundary_parts(const MeshKeys& mesh) {
  if (mesh.file.empty()) return Mesh::box_boundary_parts(mesh.box.dim);
  if (std::filesystem::exists(mesh.file)) return gmsh_boundary_parts(mesh.file);
  return {};
}

Schema box_schema(const std::string& dim_help, const std::string& cells, bool simplex, const std::string& upper) {
  Schema mesh;
  mesh.key("dim", ValueKind::integer, dim_help).def(2).at_least(2).at_most(3);
  mesh.key("cells", ValueKind::integer_list, "cells per axis (the first dim entries are used)")
      .def(cells)
      .at_least(1)
      .smoke(8);
  mesh.key("simplex", ValueKind::boolean, "triangles/tetrahedra, else quadrilaterals/hexahedra").def(simplex);
  mesh.key("lower", ValueKind::number_list, "lower corner of the box").def("[0, 0, 0]");
  mesh.key("upper", ValueKind::number_list, "upper corner of the box").def(upper);
  return mesh;
}

BoxMeshOptions read_box(const StageConfig& config) {
  BoxMeshOptions box;
  box.dim = config.get<int>("mesh.dim");
  box.simplex = config.get<bool>("mesh.simplex");
  const std::vector<long> cells = config.integers("mesh.cells");
  FF_REQUIRE(static_cast<int>(cells.size()) >= box.dim, InputError, "mesh.cells: expected {} counts, got {}", box.dim,
             cells.size());
  for (int a = 0; a < box.dim; ++a) box.cells[a] = static_cast<int>(cells[a]);
  box.lower = axis_vector(config, "mesh.lower", box.dim);
  box.upper = axis_vector(config, "mesh.upper", box.dim);
  for (int a = 0; a < box.dim; ++a)
    FF_REQUIRE(box.upper[a] > box.lower[a], InputError, "mesh.upper must exceed mesh.lower on axis {}", "xyz"[a]);
  return box;
}

std::array<double, 3> axis_vector(const StageConfig& config, const std::string& key, int dim) {
  const std::vector<double> values = config.numbers(key);
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

linear::KrylovOptions read_krylov(const StageConfig& config) {
  linear::KrylovOptions solver;
  solver.ksp_type = config.get<std::string>("petsc.ksp_type");
  solver.pc_type = config.get<std::string>("petsc.pc_type");
  solver.rtol = config.get<double>("petsc.rtol");
  solver.atol = config.get<double>("petsc.atol");
  solver.max_it = config.get<long>("petsc.max_it");
  solver.options = config.get<std::string>("petsc.options");
  return solver;
}

}  // namespace ff::fem
