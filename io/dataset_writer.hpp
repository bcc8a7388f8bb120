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
#include "io/dataset_layout.hpp"
#include "io/provenance.hpp"

#include <filesystem>
#include <memory>

namespace ff {

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
