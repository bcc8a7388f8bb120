// A FeSpace's nodes, cells and nodal fields gathered on rank 0 in the form
// DatasetWriter stores (/mesh/nodes, /mesh/cells, /outputs/<field>), so a
// distributed solution is written as one mesh file with its XDMF sidecar.
//
// Nodes are the space's dof locations: the mesh vertices, and for P2 the
// edge midpoints too. They are numbered by sorting their coordinates
// lexicographically (x first, then y, then z), so the numbering does not
// depend on the number of ranks nor on how the mesh was partitioned; on a box
// mesh node (i, j) of the lattice is node i * (n_y + 1) + j. Cells are sorted
// by their node numbers for the same reason.
//
// Cells are written with their corner vertices only, as linear cells in the
// node order of VTK/XDMF (quadrilaterals counter-clockwise, hexahedra bottom
// face then top face): for P2 the edge midpoints are nodes that carry field
// values but are not referenced by any cell, and ParaView shows the field
// interpolated linearly between the vertices.
#pragma once

#include "io/dataset_writer.hpp"
#include "solvers/fem/fe_space.hpp"

#include <vector>

namespace ff::fem {

// Collective on the space's communicator. The whole mesh on rank 0, an empty
// MeshInfo (no nodes, no cells) on the other ranks.
MeshInfo gather_mesh(const FeSpace& space);

// Collective. `local_values` holds one value per local dof of the space
// (FeSpace::local_size(), ghosts and constrained dofs included, as
// PoissonSolver::solution()); returns them in gather_mesh's node order on
// rank 0, and nothing on the other ranks. A space with several components
// gives them component by component, [components][n_nodes]: the layout of a
// FieldSpec with `components` set (components on the axis before the nodes).
std::vector<double> gather_nodal_field(const FeSpace& space, const std::vector<double>& local_values);

// Collective. The bounding box of the space's nodes over all ranks, on every
// rank: lower[d] and upper[d] for d < dim.
void node_bounding_box(const FeSpace& space, double* lower, double* upper);

}  // namespace ff::fem
