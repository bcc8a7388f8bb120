// The layout of a fieldforge dataset (DESIGN.md "HDF5 layout") as plain
// types: grid or mesh, fields with their per-sample shapes, times and splits.
// Solvers describe their output with these; io/dataset_writer.hpp writes it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ff {

enum class DType { float32, float64 };
// The names of the storage precisions, for a `dtype` choice key.
std::vector<std::pair<std::string, DType>> dtype_choices();

struct GridInfo {
  std::string kind = "periodic";  // periodic | sphere_gauss | sphere_equiangular | mesh
  std::vector<long> shape;        // points per axis
  std::vector<double> extent;     // domain length per axis
  // Sphere grids (shape {nlat, nlon}, longitudes 2πk/nlon): the colatitude of
  // each ring in radians, north to south. The file also gets /grid/points,
  // the points on the unit sphere, for XDMF.
  std::vector<double> colatitude;
  bool sphere() const { return kind == "sphere_gauss" || kind == "sphere_equiangular"; }
};

struct MeshInfo {
  int dim = 2;
  std::vector<double> nodes;  // [n_nodes * dim]
  int nodes_per_cell = 3;
  std::vector<long> cells;             // [n_cells * nodes_per_cell], zero-based node indices
  std::string cell_type = "triangle";  // triangle | quadrilateral | tetrahedron | hexahedron
};

struct FieldSpec {
  std::string path;                         // "inputs/u0", "outputs/u", "params/nu"
  std::vector<std::uint64_t> sample_shape;  // shape of one sample ({} for a scalar)
  DType dtype = DType::float32;
  std::vector<std::pair<std::string, double>> attributes;
  // A vector field stores its components on the axis just before the spatial
  // ones ([..., components, n, n, n]); XDMF shows it as one vector.
  int components = 1;
};

struct DatasetLayout {
  long n_samples = 0;
  GridInfo grid;
  MeshInfo mesh;  // used when grid.kind == "mesh"
  std::vector<FieldSpec> fields;
  std::vector<double> times;
  std::vector<long> train, test;  // split indices

  // n_samples = train + test, with the first `train` indices the training split.
  void split_contiguous(long train_count, long test_count);
};

}  // namespace ff
