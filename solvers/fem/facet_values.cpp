#include "solvers/fem/facet_values.hpp"

#include "core/error.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <algorithm>
#include <cmath>

namespace ff::fem {

namespace {

// Reference coordinates of the element's vertex k (element.hpp's numbering).
void reference_vertex(CellShape shape, int k, double* xi) {
  const int dim = shape_dimension(shape);
  for (int a = 0; a < dim; ++a) xi[a] = is_simplex(shape) ? (k == a + 1 ? 1.0 : 0.0) : double((k >> a) & 1);
}

// The reference face spanned by the cell's vertices `corners` (element
// numbering): on a simplex the affine map from the unit simplex through the
// corners; on a tensor cell the face is where one axis is fixed, and the
// other axes, in increasing order, are the face's coordinates.
BoundaryFace reference_face(CellShape shape, long cell, const std::vector<int>& corners) {
  const int dim = shape_dimension(shape);
  BoundaryFace face;
  face.cell = cell;
  if (is_simplex(shape)) {
    double first[3], other[3];
    reference_vertex(shape, corners[0], first);
    std::copy(first, first + dim, face.origin);
    for (int m = 0; m + 1 < dim; ++m) {
      reference_vertex(shape, corners[m + 1], other);
      for (int a = 0; a < dim; ++a) face.direction[m][a] = other[a] - first[a];
    }
    return face;
  }
  int m = 0;
  for (int a = 0; a < dim; ++a) {
    const int bit = (corners[0] >> a) & 1;
    const bool fixed = std::all_of(corners.begin(), corners.end(), [&](int k) { return ((k >> a) & 1) == bit; });
    if (fixed)
      face.origin[a] = bit;
    else if (m < dim - 1)
      face.direction[m++][a] = 1;
  }
  FF_REQUIRE(m == dim - 1, RunError, "boundary face of cell {} is not a face of the {}", cell, shape_name(shape));
  return face;
}

}  // namespace

double FacetPoint::interpolate(const double* cell_values) const {
  double sum = 0;
  for (int i = 0; i < size; ++i) sum += values[i] * cell_values[i];
  return sum;
}

std::vector<BoundaryFace> boundary_faces(const FeSpace& space, const std::string& part) {
  const Mesh& mesh = space.mesh();
  const std::optional<int> id = mesh.boundary_part(part);
  if (!id) {
    std::string known;
    for (const auto& [name, value] : mesh.boundary_parts()) known += (known.empty() ? "" : ", ") + name;
    throw InputError(
        fmt::format("the mesh has no boundary part '{}' (its parts: {})", part, known.empty() ? "none" : known));
  }
  DM dm = space.dm();
  const int dim = space.dim();
  const CellShape shape = space.element().shape();
  const int face_corners = is_simplex(shape) ? dim : 1 << (dim - 1);
  PetscInt c_begin = 0, c_end = 0, f_begin = 0, f_end = 0;
  FF_PETSC(DMPlexGetHeightStratum(dm, 0, &c_begin, &c_end));
  FF_PETSC(DMPlexGetHeightStratum(dm, 1, &f_begin, &f_end));
  Vec coordinates = nullptr;
  PetscSection coordinate_section = nullptr;
  FF_PETSC(DMGetCoordinatesLocal(dm, &coordinates));
  FF_PETSC(DMGetCoordinateSection(dm, &coordinate_section));

  std::vector<BoundaryFace> faces;
  linear::PetscHandle<IS, ISDestroy> points;
  FF_PETSC(DMGetStratumIS(dm, Mesh::boundary_parts_label, *id, points.out()));
  if (!points.get()) return faces;  // no point of this part on this rank
  PetscInt n_points = 0;
  const PetscInt* point = nullptr;
  FF_PETSC(ISGetLocalSize(points, &n_points));
  FF_PETSC(ISGetIndices(points, &point));
  std::vector<int> corners;
  for (PetscInt k = 0; k < n_points; ++k) {
    const PetscInt f = point[k];
    if (f < f_begin || f >= f_end) continue;  // an edge or vertex of the completed label
    PetscInt support_size = 0;
    const PetscInt* support = nullptr;
    FF_PETSC(DMPlexGetSupportSize(dm, f, &support_size));
    FF_PETSC(DMPlexGetSupport(dm, f, &support));
    FF_REQUIRE(support_size == 1, RunError, "face {} of boundary part '{}' lies between {} cells, not on the boundary",
               f, part, support_size);
    const long cell = support[0] - c_begin;

    // The face's vertices among the cell's: FeSpace copied the cell's vertex
    // coordinates from the same array, so equal vertices have equal coordinates.
    PetscInt size = 0;
    PetscScalar* xyz = nullptr;
    FF_PETSC(DMPlexVecGetClosure(dm, coordinate_section, coordinates, f, &size, &xyz));
    corners.clear();
    const double* cell_xyz = space.vertex_coordinates(cell);
    for (PetscInt v = 0; v < size / dim; ++v)
      for (int c = 0; c < space.element().vertices(); ++c)
        if (std::equal(xyz + v * dim, xyz + (v + 1) * dim, cell_xyz + c * dim)) corners.push_back(c);
    FF_PETSC(DMPlexVecRestoreClosure(dm, coordinate_section, coordinates, f, &size, &xyz));
    FF_REQUIRE(static_cast<int>(corners.size()) == face_corners, RunError,
               "face {} of boundary part '{}': found {} of its corners in its cell, expected {}", f, part,
               corners.size(), face_corners);
    faces.push_back(reference_face(shape, cell, corners));
  }
  FF_PETSC(ISRestoreIndices(points, &point));
  return faces;
}

FacetValues::FacetValues(const FeSpace& space, int quadrature_degree) : space_(space) {
  const CellShape shape = space.element().shape();
  const int dim = space.dim();
  if (dim == 2)
    rule_ = gauss_legendre(quadrature_degree / 2 + 1);
  else
    rule_ = gauss_rule(is_simplex(shape) ? CellShape::triangle : CellShape::quadrilateral, quadrature_degree);
  const int size = space.element().size(), vertices = space.element().vertices();
  values_.resize(size);
  gradients_.resize(size * dim);
  geometry_values_.resize(vertices);
  geometry_gradients_.resize(vertices * dim);
  point_.dim = dim;
  point_.size = size;
  point_.values = values_.data();
}

const FacetPoint& FacetValues::point(const BoundaryFace& face, int index) {
  const int dim = space_.dim(), vertices = space_.element().vertices();
  const double* s = &rule_.points[index * (dim - 1)];
  double xi[3] = {0, 0, 0};
  for (int a = 0; a < dim; ++a) {
    xi[a] = face.origin[a];
    for (int m = 0; m + 1 < dim; ++m) xi[a] += s[m] * face.direction[m][a];
  }
  space_.element().evaluate(xi, values_.data(), gradients_.data());
  space_.element().evaluate_geometry(xi, geometry_values_.data(), geometry_gradients_.data());

  // x(ξ) = Σ_v X_v N_v(ξ); the face's tangents are J d_m, J = ∂x/∂ξ.
  const double* corners = space_.vertex_coordinates(face.cell);
  double jacobian[9] = {0}, centroid[3] = {0, 0, 0};
  for (int a = 0; a < dim; ++a) {
    point_.x[a] = 0;
    for (int v = 0; v < vertices; ++v) {
      point_.x[a] += corners[v * dim + a] * geometry_values_[v];
      centroid[a] += corners[v * dim + a] / vertices;
      for (int b = 0; b < dim; ++b) jacobian[a * dim + b] += corners[v * dim + a] * geometry_gradients_[v * dim + b];
    }
  }
  double tangent[2][3] = {{0, 0, 0}, {0, 0, 0}};
  for (int m = 0; m + 1 < dim; ++m)
    for (int a = 0; a < dim; ++a)
      for (int b = 0; b < dim; ++b) tangent[m][a] += jacobian[a * dim + b] * face.direction[m][b];
  // An unnormalised normal whose length is the surface Jacobian: the tangent
  // turned by 90° in 2D, the cross product of the two tangents in 3D.
  double* n = point_.normal;
  if (dim == 2) {
    n[0] = tangent[0][1], n[1] = -tangent[0][0], n[2] = 0;
  } else {
    n[0] = tangent[0][1] * tangent[1][2] - tangent[0][2] * tangent[1][1];
    n[1] = tangent[0][2] * tangent[1][0] - tangent[0][0] * tangent[1][2];
    n[2] = tangent[0][0] * tangent[1][1] - tangent[0][1] * tangent[1][0];
  }
  const double area = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  double edge = 0;
  for (int a = 0; a < dim; ++a) edge += std::pow(corners[dim + a] - corners[a], 2);
  FF_REQUIRE(area > 1e-12 * std::pow(edge, 0.5 * (dim - 1)), RunError,
             "a boundary face of cell {} is degenerate: surface Jacobian {:.3e}", face.cell, area);
  // Cells are convex: the outward normal points away from the cell's centroid.
  double away = 0;
  for (int a = 0; a < dim; ++a) away += (point_.x[a] - centroid[a]) * n[a];
  const double sign = away < 0 ? -1.0 : 1.0;
  for (int a = 0; a < 3; ++a) n[a] *= sign / area;
  point_.cell = face.cell;
  point_.measure = rule_.weights[index] * area;
  return point_;
}

}  // namespace ff::fem
