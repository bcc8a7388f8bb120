// What can be learnt from a Gmsh file without building the mesh, for checks
// while a case file is validated (Mesh::from_gmsh, in mesh.hpp, builds it).
// This header is free of PETSc.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace ff::fem {

// The named physical groups of dimension dim - 1 of a Gmsh 4 ASCII file, name
// -> id: the boundary parts Mesh::from_gmsh gives the mesh. Reads the file
// on the calling process only; InputError naming the file for what
// Mesh::from_gmsh would reject in the text (missing file, wrong format,
// mixed or unsupported elements).
std::map<std::string, int> gmsh_boundary_parts(const std::filesystem::path& file);

}  // namespace ff::fem
