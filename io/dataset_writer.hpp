// Writes one fieldforge dataset file in the HDF5 layout of DESIGN.md:
//
//   /                 attrs: fieldforge_version, git_sha, created_utc, case, case_name, stage
//   /grid             attrs: kind, shape, extent
//   /mesh/nodes, /mesh/cells            (grid kind "mesh")
//   /inputs/<name>, /outputs/<name>     [n_samples, ...], one chunk per sample
//   /params/<name>                      [n_samples]
//   /splits/train, /splits/test, /times
//
// The file is written as `<name>.partial` and renamed when commit() succeeds,
// so a crash never leaves a file that looks finished; an XDMF sidecar for
// uniform 2D/3D grids and meshes is written next to it. Under MPI every rank
// writes its own block of samples (local_samples()) into the one file:
// collectively through parallel HDF5 when the library has it, otherwise into
// per-rank shards that rank 0 merges at commit (FIELDFORGE_HDF5_MODE=shards
// forces the latter).
#pragma once

#include "core/parallel.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ff {

enum class DType { float32, float64 };
DType parse_dtype(const std::string& name);  // "float32" | "float64"

struct Provenance {
  std::string case_name;
  std::string stage;
  std::string case_yaml;  // the resolved case file
};

struct GridInfo {
  std::string kind = "periodic";  // periodic | sphere_gauss | sphere_equiangular | mesh
  std::vector<long> shape;        // points per axis
  std::vector<double> extent;     // domain length per axis
};

struct MeshInfo {
  int dim = 2;
  std::vector<double> nodes;  // [n_nodes * dim]
  int nodes_per_cell = 3;
  std::vector<long> cells;    // [n_cells * nodes_per_cell], zero-based node indices
  std::string cell_type = "triangle";  // triangle | quadrilateral | tetrahedron | hexahedron
};

struct FieldSpec {
  std::string path;                    // "inputs/u0", "outputs/u", "params/nu"
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

class DatasetWriter {
 public:
  // Collective under MPI: every rank constructs the writer with the same layout.
  DatasetWriter(std::filesystem::path path, DatasetLayout layout, Provenance provenance);
  ~DatasetWriter();  // without commit(): closes and removes the partial file
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // The samples this rank writes.
  SampleRange local_samples() const;

  // Writes sample `index` of `field`; `values` holds product(sample_shape)
  // doubles, converted to the field's dtype. Non-finite values are a RunError
  // naming the field and sample, and nothing is written.
  void write_sample(const std::string& field, long index, const double* values);

  // Collective: finishes the file, renames it into place, writes the XDMF sidecar.
  void commit();

  const std::filesystem::path& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ff
