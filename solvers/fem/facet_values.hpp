// The element of a FeSpace evaluated at integration points on boundary faces,
// the facet twin of CellValues: for Neumann and Robin terms, which integrate
// over the faces of a named boundary part (Mesh::boundary_parts()).
//
// A boundary face is found through its one cell: the face's vertices are
// located among the cell's (in the element's vertex order), which fixes the
// face in the reference cell. A rule on the reference face (Gauss–Legendre
// on a segment, the triangle or square rule of quadrature.hpp on a 2D face)
// is mapped there, and the cell's basis is evaluated at the mapped points.
#pragma once

#include "solvers/fem/fe_space.hpp"
#include "solvers/fem/quadrature.hpp"

#include <string>
#include <vector>

namespace ff::fem {

// One boundary face on this rank: its cell and the reference cell's face.
struct BoundaryFace {
  long cell = 0;
  // Reference coordinates ξ = origin + Σ_m s_m direction[m] of the face point
  // s in the reference face (the unit segment, triangle or square).
  double origin[3] = {0, 0, 0};
  double direction[2][3] = {{0, 0, 0}, {0, 0, 0}};
};

struct FacetPoint {
  long cell = 0;
  int dim = 0, size = 0;
  double x[3] = {0, 0, 0};
  double normal[3] = {0, 0, 0};    // unit normal pointing out of the cell (and the domain)
  double measure = 0;              // rule weight x surface Jacobian: the point's share of the face's area
  const double* values = nullptr;  // [size] the cell's basis values

  // Σ_i values[i] cell_values[i]: a field given by its dofs on the cell.
  double interpolate(const double* cell_values) const;
};

// This rank's faces of the named boundary part. InputError for a name the
// mesh does not have, listing the names it has.
std::vector<BoundaryFace> boundary_faces(const FeSpace& space, const std::string& part);

class FacetValues {
 public:
  // A rule on the faces exact for polynomials of degree `quadrature_degree`.
  FacetValues(const FeSpace& space, int quadrature_degree);

  // Point `index` of the face rule on `face`. The reference stays valid until
  // the next call. RunError for a face whose surface Jacobian vanishes.
  const FacetPoint& point(const BoundaryFace& face, int index);

  int size() const { return rule_.size(); }  // points per face
  const FeSpace& space() const { return space_; }

 private:
  const FeSpace& space_;
  QuadratureRule rule_;  // on the reference face, dimension dim - 1
  std::vector<double> values_, geometry_values_, geometry_gradients_;
  std::vector<double> gradients_;  // reference gradients, which evaluate() fills; face terms need values only
  FacetPoint point_;
};

}  // namespace ff::fem
