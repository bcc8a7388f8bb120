#include "io/dataset_writer.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/h5.hpp"
#include "io/xdmf.hpp"

#include <hdf5.h>
#include <mpi.h>
#include <fieldforge/build_config.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>

namespace ff {

void DatasetLayout::split_contiguous(long train_count, long test_count) {
  n_samples = train_count + test_count;
  train.resize(train_count);
  std::iota(train.begin(), train.end(), 0L);
  test.resize(test_count);
  std::iota(test.begin(), test.end(), train_count);
}
namespace fs = std::filesystem;

std::vector<std::pair<std::string, DType>> dtype_choices() {
  return {{"float32", DType::float32}, {"float64", DType::float64}};
}

namespace {

enum class WriteMode { serial, parallel, shards };

WriteMode choose_write_mode() {
  if (mpi_size() == 1) return WriteMode::serial;
  const char* forced = std::getenv("FIELDFORGE_HDF5_MODE");
  const bool want_shards = forced && std::string(forced) == "shards";
#if FIELDFORGE_HDF5_PARALLEL
  if (!want_shards) return WriteMode::parallel;
#else
  (void)want_shards;
#endif
  return WriteMode::shards;
}

hid_t file_type(DType dtype) { return dtype == DType::float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE; }

// Object creation properties shared by every group and dataset: no
// modification times, so equal contents give equal files.
h5::Handle untimed_dataset_plist() {
  h5::Handle dcpl = h5::plist_handle(H5Pcreate(H5P_DATASET_CREATE), "dataset plist");
  h5::check_status(H5Pset_obj_track_times(dcpl, false), "track times");
  return dcpl;
}

h5::Handle make_group(hid_t file, const std::string& path) {
  h5::Handle gcpl = h5::plist_handle(H5Pcreate(H5P_GROUP_CREATE), "group plist");
  h5::check_status(H5Pset_obj_track_times(gcpl, false), "track times");
  return h5::group_handle(H5Gcreate2(file, path.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), "create group " + path);
}

// A small contiguous dataset written whole by one rank (splits, times, mesh).
void create_small_dataset(hid_t file, const std::string& path, hid_t type, hid_t mem_type, std::vector<hsize_t> dims,
                          const void* data, bool write) {
  h5::Handle space = h5::space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), path);
  h5::Handle dcpl = untimed_dataset_plist();
  h5::Handle set = h5::dataset_handle(H5Dcreate2(file, path.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                                      "create dataset " + path);
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  if (write && total > 0)
    h5::check_status(H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + path);
}

}  // namespace

struct DatasetWriter::Impl {
  fs::path final_path, partial_path;
  DatasetLayout layout;
  Provenance provenance;
  WriteMode mode = WriteMode::serial;
  int rank = 0, size = 1;
  h5::Handle file;
  std::map<std::string, h5::Handle> datasets;
  std::map<std::string, const FieldSpec*> specs;
  bool committed = false;

  fs::path shard_path(int r) const {
    return r == 0 ? partial_path : fs::path(partial_path.string() + ".rank" + std::to_string(r));
  }

  void open_file();
  void create_layout(bool write_small_data);
  void merge_shards();
  // `final`: the file is complete (shards: not before the merge), so its
  // unused reservation goes back and it is flushed to the disk.
  void close_checked(const fs::path& file_path, bool final);
  void discard();  // closes and removes what this rank wrote
};

void DatasetWriter::Impl::open_file() {
  h5::Handle fcpl = h5::plist_handle(H5Pcreate(H5P_FILE_CREATE), "file plist");
  h5::Handle fapl = h5::plist_handle(H5Pcreate(H5P_FILE_ACCESS), "file access plist");
#if FIELDFORGE_HDF5_PARALLEL
  if (mode == WriteMode::parallel)
    h5::check_status(H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL), "MPI-IO file access");
#endif
  const fs::path path = mode == WriteMode::shards ? shard_path(rank) : partial_path;
  file = h5::file_handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), "create " + path.string());
  // Disk space for every sample this file will hold, claimed now: a disk too
  // full for the dataset is an error before any sample is computed, and HDF5
  // never meets a full disk while it holds unwritten data (a failed close
  // leaves its library state broken). Rank 0's file ends up holding every
  // sample (in shards mode, after the merge).
  if (mode == WriteMode::parallel && rank != 0) return;
  const long samples = rank == 0 ? layout.n_samples : block_range(layout.n_samples, rank, size).size();
  std::uint64_t bytes = 1 << 20;  // metadata, grid and mesh
  for (const FieldSpec& spec : layout.fields) {
    std::uint64_t values = static_cast<std::uint64_t>(samples);
    for (auto n : spec.sample_shape) values *= n;
    bytes += values * (spec.dtype == DType::float32 ? 4 : 8);
  }
  reserve_disk_space(path, bytes + bytes / 50);
}

void DatasetWriter::Impl::discard() {
  datasets.clear();
  file.reset();
  std::error_code ignored;
  if (mode == WriteMode::shards)
    fs::remove(shard_path(rank), ignored);
  else if (rank == 0)
    fs::remove(partial_path, ignored);
}

void DatasetWriter::Impl::create_layout(bool write_small_data) {
  write_provenance(file, provenance);

  {
    h5::Handle grid = make_group(file, "/grid");
    h5::write_string_attribute(grid, "kind", layout.grid.kind);
    if (!layout.grid.shape.empty()) h5::write_long_array_attribute(grid, "shape", layout.grid.shape);
    if (!layout.grid.extent.empty()) h5::write_double_array_attribute(grid, "extent", layout.grid.extent);
    if (!layout.grid.colatitude.empty()) h5::write_double_array_attribute(grid, "colatitude", layout.grid.colatitude);
  }
  if (layout.grid.sphere()) {
    const GridInfo& g = layout.grid;
    FF_REQUIRE(g.shape.size() == 2 && g.colatitude.size() == static_cast<std::size_t>(g.shape[0]), RunError,
               "a sphere grid needs shape {{nlat, nlon}} and nlat colatitudes");
    std::vector<double> points;
    points.reserve(3 * g.shape[0] * g.shape[1]);
    for (long j = 0; j < g.shape[0]; ++j)
      for (long k = 0; k < g.shape[1]; ++k) {
        const double theta = g.colatitude[j], phi = 2.0 * M_PI * k / g.shape[1];
        points.insert(points.end(),
                      {std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)});
      }
    create_small_dataset(file, "/grid/points", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                         {static_cast<hsize_t>(g.shape[0] * g.shape[1]), 3}, points.data(), write_small_data);
  }
  if (layout.grid.kind == "mesh") {
    const MeshInfo& mesh = layout.mesh;
    make_group(file, "/mesh");
    const hsize_t n_nodes = mesh.nodes.size() / mesh.dim;
    const hsize_t n_cells = mesh.cells.size() / mesh.nodes_per_cell;
    create_small_dataset(file, "/mesh/nodes", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                         {n_nodes, static_cast<hsize_t>(mesh.dim)}, mesh.nodes.data(), write_small_data);
    create_small_dataset(file, "/mesh/cells", H5T_STD_I64LE, H5T_NATIVE_LONG,
                         {n_cells, static_cast<hsize_t>(mesh.nodes_per_cell)}, mesh.cells.data(), write_small_data);
    h5::Handle cells = h5::dataset_handle(H5Dopen2(file, "/mesh/cells", H5P_DEFAULT), "open /mesh/cells");
    h5::write_string_attribute(cells, "cell_type", mesh.cell_type);
  }

  std::map<std::string, bool> groups;
  for (const FieldSpec& spec : layout.fields) {
    const std::string group = "/" + spec.path.substr(0, spec.path.find('/'));
    if (!groups[group]) {
      make_group(file, group);
      groups[group] = true;
    }
    std::vector<hsize_t> dims{static_cast<hsize_t>(layout.n_samples)};
    dims.insert(dims.end(), spec.sample_shape.begin(), spec.sample_shape.end());
    std::vector<hsize_t> chunk = dims;
    chunk[0] = 1;  // one chunk per sample: a batch reader touches only its samples
    h5::Handle space = h5::space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                                        "space of " + spec.path);
    h5::Handle dcpl = untimed_dataset_plist();
    if (layout.n_samples > 0)
      h5::check_status(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "chunking");
    // Parallel HDF5 needs every chunk allocated at creation; serially, chunks
    // are allocated as samples arrive, so a shard holds only its own samples.
    if (mode == WriteMode::parallel) h5::check_status(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), "allocation time");
    const std::string path = "/" + spec.path;
    h5::Handle set =
        h5::dataset_handle(H5Dcreate2(file, path.c_str(), file_type(spec.dtype), space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                           "create dataset " + path);
    for (const auto& [name, value] : spec.attributes) h5::write_double_attribute(set, name, value);
    // Read back by `fieldforge xdmf`, which shows such a field as one vector.
    if (spec.components > 1) h5::write_double_attribute(set, "components", spec.components);
    specs[spec.path] = &spec;
    datasets[spec.path] = std::move(set);
  }

  if (!layout.times.empty())
    create_small_dataset(file, "/times", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {layout.times.size()}, layout.times.data(),
                         write_small_data);
  make_group(file, "/splits");
  create_small_dataset(file, "/splits/train", H5T_STD_I64LE, H5T_NATIVE_LONG, {layout.train.size()},
                       layout.train.data(), write_small_data);
  create_small_dataset(file, "/splits/test", H5T_STD_I64LE, H5T_NATIVE_LONG, {layout.test.size()}, layout.test.data(),
                       write_small_data);
}

// Rank 0 copies every other rank's block of samples from its shard file,
// one sample (one chunk) at a time so memory stays at one sample.
void DatasetWriter::Impl::merge_shards() {
  for (int r = 1; r < size; ++r) {
    const fs::path shard = shard_path(r);
    h5::Handle source = h5::file_handle(H5Fopen(shard.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + shard.string());
    const SampleRange range = block_range(layout.n_samples, r, size);
    for (const FieldSpec& spec : layout.fields) {
      const std::string path = "/" + spec.path;
      h5::Handle from = h5::dataset_handle(H5Dopen2(source, path.c_str(), H5P_DEFAULT), "open shard " + path);
      hid_t to = datasets.at(spec.path);
      std::vector<hsize_t> count = h5::dataset_shape(from), start(count.size(), 0);
      count[0] = 1;
      hsize_t per_sample = 1;
      for (hsize_t d : count) per_sample *= d;
      std::vector<double> buffer(per_sample);
      h5::Handle memory =
          h5::space_handle(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "memory space");
      h5::Handle from_space = h5::space_handle(H5Dget_space(from), "shard space");
      h5::Handle to_space = h5::space_handle(H5Dget_space(to), "target space");
      for (long i = range.begin; i < range.end; ++i) {
        start[0] = static_cast<hsize_t>(i);
        h5::check_status(H5Sselect_hyperslab(from_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                         "select");
        h5::check_status(H5Dread(from, H5T_NATIVE_DOUBLE, memory, from_space, H5P_DEFAULT, buffer.data()),
                         "read shard " + path);
        h5::check_status(H5Sselect_hyperslab(to_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                         "select");
        h5::check_status(H5Dwrite(to, H5T_NATIVE_DOUBLE, memory, to_space, H5P_DEFAULT, buffer.data()),
                         "merge " + path);
      }
    }
    source.reset();
    fs::remove(shard);
  }
}

DatasetWriter::DatasetWriter(fs::path path, DatasetLayout layout, Provenance provenance)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& m = *impl_;
  m.final_path = std::move(path);
  m.partial_path = m.final_path.string() + ".partial";
  m.layout = std::move(layout);
  m.provenance = std::move(provenance);
  m.mode = choose_write_mode();
  m.rank = mpi_rank();
  m.size = mpi_size();
  if (m.rank == 0) fs::create_directories(m.final_path.parent_path().empty() ? "." : m.final_path.parent_path());
  mpi_barrier();
  // A failure on any rank (a full disk, most likely) stops all of them here,
  // before the collective layout calls, and leaves no file behind.
  std::string error;
  try {
    m.open_file();
  } catch (const Error& e) {
    error = e.what();
  }
  if (!all_ranks_ok(error.empty())) {
    m.discard();
    throw RunError(error.empty() ? m.final_path.string() + ": creating the file failed on another rank" : error);
  }
  m.create_layout(/*write_small_data=*/m.rank == 0);
}

DatasetWriter::~DatasetWriter() {
  if (!impl_->committed) impl_->discard();
}

SampleRange DatasetWriter::local_samples() const {
  return block_range(impl_->layout.n_samples, impl_->rank, impl_->size);
}

const fs::path& DatasetWriter::path() const { return impl_->final_path; }

void DatasetWriter::write_sample(const std::string& field, long index, const double* values) {
  Impl& m = *impl_;
  auto spec_it = m.specs.find(field);
  FF_REQUIRE(spec_it != m.specs.end(), RunError, "{}: no field '{}' in the dataset layout", m.final_path.string(),
             field);
  const FieldSpec& spec = *spec_it->second;
  const SampleRange mine = local_samples();
  FF_REQUIRE(index >= mine.begin && index < mine.end, RunError, "{}: rank {} writes samples [{}, {}), not {}",
             m.final_path.string(), m.rank, mine.begin, mine.end, index);

  std::size_t count = 1;
  for (auto d : spec.sample_shape) count *= d;
  for (std::size_t i = 0; i < count; ++i)
    FF_REQUIRE(std::isfinite(values[i]), RunError, "{}: sample {} of {} has a non-finite value ({}) at element {}",
               m.final_path.filename().string(), index, field, values[i], i);

  std::vector<hsize_t> start(spec.sample_shape.size() + 1, 0), extent{1};
  start[0] = static_cast<hsize_t>(index);
  extent.insert(extent.end(), spec.sample_shape.begin(), spec.sample_shape.end());
  hid_t set = m.datasets.at(field);
  h5::Handle file_space = h5::space_handle(H5Dget_space(set), "file space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, extent.data(), nullptr),
                   "select sample");
  h5::Handle memory =
      h5::space_handle(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr), "memory space");
  // HDF5 converts double to float32 on write when the file type asks for it.
  h5::check_status(H5Dwrite(set, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, values),
                   fmt::format("write sample {} of {}", index, field));
}

// Closes the open datasets and the file, checking each close (where a full
// disk shows), and raises one RunError on every rank if any rank failed.
// Every rank makes the same (collective) calls whatever fails.
void DatasetWriter::Impl::close_checked(const fs::path& file_path, bool final) {
  std::string error;
  auto close = [&](h5::Handle& handle, const std::string& what) {
    try {
      h5::check_status(handle.close(), what);
    } catch (const RunError& e) {
      if (error.empty()) error = e.what();
    }
  };
  const bool had_file = file.get() >= 0;
  for (auto& [field, set] : datasets) close(set, "close " + field);
  datasets.clear();
  close(file, "close " + file_path.string());
  if (error.empty() && had_file && final) {
    try {
      release_unused_disk_space(file_path);
      sync_file(file_path);
    } catch (const RunError& e) {
      error = e.what();
    }
  }
  FF_REQUIRE(all_ranks_ok(error.empty()), RunError, "{}: writing the dataset failed{}; nothing was committed",
             final_path.string(), error.empty() ? " on another rank" : ": " + error);
}

void DatasetWriter::commit() {
  Impl& m = *impl_;
  if (m.mode == WriteMode::shards) {
    m.close_checked(m.shard_path(m.rank), /*final=*/m.rank != 0);
    if (m.rank == 0) {
      m.file = h5::file_handle(H5Fopen(m.partial_path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT),
                               "reopen " + m.partial_path.string());
      for (const FieldSpec& spec : m.layout.fields) {
        const std::string path = "/" + spec.path;
        m.datasets[spec.path] = h5::dataset_handle(H5Dopen2(m.file, path.c_str(), H5P_DEFAULT), "open " + path);
      }
      m.merge_shards();
    }
  }
  m.close_checked(m.partial_path, /*final=*/true);  // collective in parallel mode
  if (m.rank == 0) {
    fs::rename(m.partial_path, m.final_path);
    write_xdmf_sidecars(m.final_path, m.layout);
  }
  m.committed = true;
  mpi_barrier();
}

}  // namespace ff
