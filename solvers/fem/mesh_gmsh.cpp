// Mesh::from_gmsh: Gmsh 4 ASCII files read by PETSc's DMPlex reader, whose
// physical groups become values of the "Face Sets" (dimension dim - 1) and
// "Cell Sets" (dimension dim) labels. PETSc does not keep the groups' names,
// so the $PhysicalNames section is read here, together with a pass over
// $Elements that rejects what the finite-element code cannot use (mixed,
// curved or unsupported cell types) with a message naming the file, before
// PETSc sees it. The imported cells are then checked for inverted and
// degenerate elements, reported by their Gmsh element tags.
#include "solvers/fem/mesh_gmsh.hpp"

#include "solvers/fem/mesh.hpp"

#include "core/error.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <vector>

namespace ff::fem {

namespace {

namespace fs = std::filesystem;

// What the importer needs from a Gmsh file besides what PETSc reads.
struct GmshSummary {
  int dim = 0;                              // highest element dimension: the cells
  int cell_type = 0;                        // Gmsh element type of the cells
  std::vector<long> cell_tags;              // Gmsh tags of the cells, in file order (PETSc's cell order)
  std::map<std::string, int> facet_groups;  // physical names of dimension dim - 1, name -> tag
};

std::string element_type_name(int type) {
  switch (type) {
    case 1:
      return "2-node line";
    case 2:
      return "3-node triangle";
    case 3:
      return "4-node quadrangle";
    case 4:
      return "4-node tetrahedron";
    case 5:
      return "8-node hexahedron";
    case 6:
      return "6-node prism";
    case 7:
      return "5-node pyramid";
    case 8:
      return "3-node line (second order)";
    case 9:
      return "6-node triangle (second order)";
    case 10:
      return "9-node quadrangle (second order)";
    case 11:
      return "10-node tetrahedron (second order)";
    case 12:
      return "27-node hexahedron (second order)";
    case 15:
      return "1-node point";
    case 16:
      return "8-node quadrangle (second order)";
    case 17:
      return "20-node hexahedron (second order)";
    default:
      return "type " + std::to_string(type);
  }
}

// Gmsh element types fieldforge takes as cells, and as their facets.
std::optional<CellShape> cell_shape_of(int type) {
  switch (type) {
    case 2:
      return CellShape::triangle;
    case 3:
      return CellShape::quadrilateral;
    case 4:
      return CellShape::tetrahedron;
    case 5:
      return CellShape::hexahedron;
    default:
      return std::nullopt;
  }
}
bool is_flat_facet(int type, int dim) { return dim == 2 ? type == 1 : (type == 2 || type == 3); }

// Reads a Gmsh file's text line by line, with the line number for messages.
class GmshText {
 public:
  explicit GmshText(const fs::path& file) : file_(file), in_(file) {
    FF_REQUIRE(fs::exists(file), InputError, "{}: mesh file not found", file.string());
    FF_REQUIRE(in_.good() && !fs::is_directory(file), InputError, "{}: mesh file is not readable", file.string());
  }
  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }
  std::string next_required(const char* what) {
    std::string line;
    if (!next(line)) fail(fmt::format("file ends inside {}", what));
    return line;
  }
  [[noreturn]] void fail(const std::string& message) const {
    throw InputError(fmt::format("{}:{}: {}", file_.string(), line_number_, message));
  }

 private:
  fs::path file_;
  std::ifstream in_;
  long line_number_ = 0;
};

template <class... T>
void parse_fields(GmshText& text, const std::string& line, const char* what, T&... fields) {
  std::istringstream in(line);
  if (!((in >> fields) && ...)) text.fail(fmt::format("cannot read {} from '{}'", what, line));
}

void read_physical_names(GmshText& text, std::vector<std::tuple<int, int, std::string>>& names) {
  long count = 0;
  parse_fields(text, text.next_required("$PhysicalNames"), "the number of physical names", count);
  for (long k = 0; k < count; ++k) {
    const std::string line = text.next_required("$PhysicalNames");
    int dim = 0, tag = 0;
    parse_fields(text, line, "a physical name (dim tag \"name\")", dim, tag);
    const auto open = line.find('"'), close = line.rfind('"');
    if (open == std::string::npos || close == open) text.fail("a physical name must be quoted: " + line);
    names.emplace_back(dim, tag, line.substr(open + 1, close - open - 1));
  }
}

// Per element dimension: the element types seen, and (dimensions 2 and 3) the tags.
struct ElementBlocks {
  std::map<int, std::set<int>> types;
  std::map<int, std::vector<long>> tags;
};

void read_elements(GmshText& text, ElementBlocks& blocks) {
  long n_blocks = 0, n_elements = 0, min_tag = 0, max_tag = 0;
  parse_fields(text, text.next_required("$Elements"), "the $Elements header", n_blocks, n_elements, min_tag, max_tag);
  for (long b = 0; b < n_blocks; ++b) {
    int dim = 0, entity = 0, type = 0;
    long count = 0;
    parse_fields(text, text.next_required("$Elements"), "an element block header (dim entity type count)", dim, entity,
                 type, count);
    blocks.types[dim].insert(type);
    for (long k = 0; k < count; ++k) {
      const std::string line = text.next_required("$Elements");
      if (dim < 2) continue;
      long tag = 0;
      parse_fields(text, line, "an element tag", tag);
      blocks.tags[dim].push_back(tag);
    }
  }
}

GmshSummary read_summary(const fs::path& file) {
  GmshText text(file);
  std::string line;
  if (!text.next(line) || line != "$MeshFormat") text.fail("not a Gmsh mesh: the file must start with $MeshFormat");
  std::string version;
  int file_type = 0, data_size = 0;
  parse_fields(text, text.next_required("$MeshFormat"), "the format version", version, file_type, data_size);
  if (version.rfind("4.", 0) != 0)
    text.fail(fmt::format("Gmsh format {}: fieldforge reads Gmsh 4 files (save with gmsh -format msh4)", version));
  if (file_type != 0) text.fail("binary Gmsh files are not supported: save the mesh as ASCII (gmsh without -bin)");

  std::vector<std::tuple<int, int, std::string>> names;
  ElementBlocks blocks;
  while (text.next(line)) {
    if (line.empty() || line[0] != '$' || line.rfind("$End", 0) == 0) continue;
    if (line == "$PhysicalNames")
      read_physical_names(text, names);
    else if (line == "$Elements")
      read_elements(text, blocks);
  }

  GmshSummary summary;
  summary.dim = blocks.types.empty() ? 0 : blocks.types.rbegin()->first;
  if (summary.dim < 2)
    text.fail(
        "the mesh has no 2D or 3D elements (no $Elements section with triangles, quadrangles, tetrahedra or "
        "hexahedra)");
  const std::set<int>& cell_types = blocks.types[summary.dim];
  if (cell_types.size() > 1)
    text.fail(fmt::format("the mesh mixes {} and {} elements: fieldforge meshes have one cell type",
                          element_type_name(*cell_types.begin()), element_type_name(*cell_types.rbegin())));
  summary.cell_type = *cell_types.begin();
  const char* supported =
      "fieldforge reads 3-node triangles, 4-node quadrangles, 4-node tetrahedra and 8-node hexahedra";
  if (!cell_shape_of(summary.cell_type) || shape_dimension(*cell_shape_of(summary.cell_type)) != summary.dim)
    text.fail(fmt::format("{} elements are not supported: {}", element_type_name(summary.cell_type), supported));
  for (int type : blocks.types[summary.dim - 1])
    if (!is_flat_facet(type, summary.dim))
      text.fail(fmt::format("{} boundary elements are not supported: {}", element_type_name(type), supported));
  summary.cell_tags = std::move(blocks.tags[summary.dim]);
  for (const auto& [dim, tag, name] : names)
    if (dim == summary.dim - 1) summary.facet_groups[name] = tag;
  return summary;
}

// Rank 0's `text` on every rank of `comm`.
void broadcast(MPI_Comm comm, std::string& text) {
  long size = static_cast<long>(text.size());
  MPI_Bcast(&size, 1, MPI_LONG, 0, comm);
  text.resize(size);
  MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, comm);
}

// Signed measure of a simplex (area of a triangle, volume of a tetrahedron)
// from its vertex coordinates.
double signed_simplex_measure(const PetscScalar* x, int dim) {
  double e[3][3];
  for (int k = 0; k < dim; ++k)
    for (int a = 0; a < dim; ++a) e[k][a] = x[(k + 1) * dim + a] - x[a];
  if (dim == 2) return 0.5 * (e[0][0] * e[1][1] - e[0][1] * e[1][0]);
  return (e[0][0] * (e[1][1] * e[2][2] - e[1][2] * e[2][1]) - e[0][1] * (e[1][0] * e[2][2] - e[1][2] * e[2][0]) +
          e[0][2] * (e[1][0] * e[2][1] - e[1][1] * e[2][0])) /
         6.0;
}

// The inverted and degenerate cells of a serial mesh, as one message ("" if
// none). A cell is inverted when it is oriented opposite to the first cell,
// degenerate when its measure vanishes next to its size. Triangles and
// tetrahedra are checked by their signed measure, quadrangles at each corner
// (their closure vertices go around the cell); hexahedra are left to the
// Jacobian checks of CellValues at assembly.
std::string bad_cells(DM dm, const GmshSummary& summary, CellShape shape) {
  if (shape == CellShape::hexahedron) return "";
  const int dim = summary.dim;
  PetscInt c_begin = 0, c_end = 0;
  FF_PETSC(DMPlexGetHeightStratum(dm, 0, &c_begin, &c_end));
  if (c_end - c_begin != static_cast<PetscInt>(summary.cell_tags.size()))
    return fmt::format("PETSc read {} cells but the file has {} {} elements", c_end - c_begin, summary.cell_tags.size(),
                       element_type_name(summary.cell_type));
  Vec coordinates = nullptr;
  PetscSection section = nullptr;
  FF_PETSC(DMGetCoordinatesLocal(dm, &coordinates));
  FF_PETSC(DMGetCoordinateSection(dm, &section));

  double reference = 0;  // the first cell's orientation
  std::vector<std::string> found;
  long n_bad = 0;
  for (PetscInt c = c_begin; c < c_end; ++c) {
    PetscInt size = 0;
    PetscScalar* x = nullptr;
    FF_PETSC(DMPlexVecGetClosure(dm, section, coordinates, c, &size, &x));
    const int corners = static_cast<int>(size) / dim;
    // Measures at each corner (one for a simplex), and the cell's size.
    std::vector<double> measures;
    if (is_simplex(shape)) {
      measures.push_back(signed_simplex_measure(x, dim));
    } else {
      for (int k = 0; k < corners; ++k) {
        const PetscScalar* here = x + k * dim;
        const PetscScalar* after = x + ((k + 1) % corners) * dim;
        const PetscScalar* before = x + ((k + corners - 1) % corners) * dim;
        measures.push_back((after[0] - here[0]) * (before[1] - here[1]) - (after[1] - here[1]) * (before[0] - here[0]));
      }
    }
    double diameter = 0;
    for (int i = 0; i < corners; ++i)
      for (int j = 0; j < i; ++j) {
        double d2 = 0;
        for (int a = 0; a < dim; ++a) d2 += std::pow(x[i * dim + a] - x[j * dim + a], 2);
        diameter = std::max(diameter, std::sqrt(d2));
      }
    FF_PETSC(DMPlexVecRestoreClosure(dm, section, coordinates, c, &size, &x));

    const long tag = summary.cell_tags[c - c_begin];
    const double tiny = 1e-12 * std::pow(diameter, dim);
    std::string problem;
    for (double m : measures) {
      if (std::abs(m) <= tiny)
        problem = fmt::format("element {} is degenerate (measure {:.3e})", tag, m);
      else if (reference == 0)
        reference = m > 0 ? 1 : -1;
      else if (m * reference < 0 && problem.empty())
        problem = fmt::format("element {} is inverted (oriented opposite to element {}: signed measure {:.3e})", tag,
                              summary.cell_tags[0], m);
    }
    if (problem.empty()) continue;
    if (++n_bad <= 5) found.push_back(problem);
  }
  if (n_bad == 0) return "";
  std::string list;
  for (const auto& problem : found) list += (list.empty() ? "" : "; ") + problem;
  return fmt::format("{} inverted or degenerate element{} (Gmsh element tags): {}{}", n_bad, n_bad == 1 ? "" : "s",
                     list, n_bad > 5 ? "; ..." : "");
}

}  // namespace

std::map<std::string, int> gmsh_boundary_parts(const fs::path& file) { return read_summary(file).facet_groups; }

Mesh Mesh::from_gmsh(MPI_Comm comm, const fs::path& file) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // Rank 0 reads the text (as PETSc does); every rank learns the outcome.
  GmshSummary summary;
  std::string error, groups;
  if (rank == 0) {
    try {
      summary = read_summary(file);
      for (const auto& [name, tag] : summary.facet_groups) groups += fmt::format("{}\n{}\n", tag, name);
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  broadcast(comm, error);
  if (!error.empty()) throw InputError(error);
  broadcast(comm, groups);
  std::map<std::string, int> parts;
  {
    std::istringstream in(groups);
    std::string tag, name;
    while (std::getline(in, tag) && std::getline(in, name)) parts[name] = std::stoi(tag);
  }
  int cell_type = summary.cell_type;
  MPI_Bcast(&cell_type, 1, MPI_INT, 0, comm);
  const CellShape shape = *cell_shape_of(cell_type);

  linear::PetscHandle<DM, DMDestroy> serial;
  const PetscErrorCode code = DMPlexCreateGmshFromFile(comm, file.c_str(), PETSC_TRUE, serial.out());
  if (code != 0) {
    const char* text = nullptr;
    PetscErrorMessage(code, &text, nullptr);
    throw InputError(fmt::format("{}: PETSc could not read the Gmsh mesh: {}", file.string(), text ? text : "error"));
  }
  if (rank == 0) error = bad_cells(serial, summary, shape);
  broadcast(comm, error);
  if (!error.empty()) throw InputError(fmt::format("{}: {}", file.string(), error));

  // As Mesh::box: the whole boundary, and the named parts closed downwards.
  DMLabel boundary = nullptr, part_label = nullptr;
  FF_PETSC(DMCreateLabel(serial, boundary_label));
  FF_PETSC(DMGetLabel(serial, boundary_label, &boundary));
  FF_PETSC(DMPlexMarkBoundaryFaces(serial, 1, boundary));
  FF_PETSC(DMPlexLabelComplete(serial, boundary));
  FF_PETSC(DMCreateLabel(serial, boundary_parts_label));  // a no-op where PETSc made it
  FF_PETSC(DMGetLabel(serial, boundary_parts_label, &part_label));
  FF_PETSC(DMPlexLabelComplete(serial, part_label));

  linear::PetscHandle<DM, DMDestroy> distributed;
  FF_PETSC(DMPlexDistribute(serial, 0, nullptr, distributed.out()));
  return Mesh(distributed.get() ? std::move(distributed) : std::move(serial), shape, std::move(parts));
}

}  // namespace ff::fem
