// Lagrange elements on reference cells: P1 and P2 on the unit triangle and
// tetrahedron, Q1 on [0,1]^2 and [0,1]^3.
//
// Basis functions are numbered vertices first, then (P2) edges in the order
// of edges(). Vertex k of a simplex sits at the origin (k = 0) or at the unit
// point on axis k-1; vertex k of a quadrilateral or hexahedron sits at the
// corner whose coordinate along axis d is bit d of k. The geometry of a cell
// is always the vertex (P1/Q1) map, so cells are straight-sided.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace ff::fem {

enum class CellShape { triangle, quadrilateral, tetrahedron, hexahedron };

int shape_dimension(CellShape shape);
bool is_simplex(CellShape shape);
int shape_vertices(CellShape shape);
std::string shape_name(CellShape shape);  // "triangle", ... as in the HDF5 layout

class ReferenceElement {
 public:
  // degree 1 (P1/Q1) on every shape, 2 (P2) on simplices; InputError otherwise.
  ReferenceElement(CellShape shape, int degree);

  CellShape shape() const { return shape_; }
  int dim() const { return shape_dimension(shape_); }
  int degree() const { return degree_; }
  int size() const { return size_; }  // basis functions per cell
  int vertices() const { return shape_vertices(shape_); }
  // P2 edge basis functions, as pairs of local vertex numbers (empty for degree 1).
  const std::vector<std::pair<int, int>>& edges() const { return edges_; }
  // "P1", "P2" or "Q1".
  std::string name() const;

  // Values [size()] and reference gradients [size() * dim()] at reference point xi.
  void evaluate(const double* xi, double* values, double* gradients) const;
  // The vertex (geometry) basis at xi: values [vertices()], gradients [vertices() * dim()].
  void evaluate_geometry(const double* xi, double* values, double* gradients) const;

 private:
  CellShape shape_;
  int degree_;
  int size_;
  std::vector<std::pair<int, int>> edges_;
};

}  // namespace ff::fem
