#include "io/dataset_reader.hpp"

#include "core/error.hpp"
#include "io/h5.hpp"

#include <fstream>

namespace ff {
namespace fs = std::filesystem;

struct DatasetReader::Impl {
  fs::path path;
  h5::Handle file;
  std::vector<std::string> fields;
  long n_samples = 0;

  h5::Handle open_dataset(const std::string& field) const {
    const std::string p = "/" + field;
    FF_REQUIRE(h5::link_exists(file, p), InputError, "{}: no dataset {}", path.string(), p);
    return h5::dataset_handle(H5Dopen2(file, p.c_str(), H5P_DEFAULT), path.string() + ": open " + p);
  }
};

namespace {

herr_t collect_member(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

std::vector<std::string> group_members(hid_t file, const std::string& group) {
  std::vector<std::string> names;
  h5::Handle g = h5::group_handle(H5Gopen2(file, group.c_str(), H5P_DEFAULT), "open " + group);
  H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_member, &names);
  return names;
}

}  // namespace

DatasetReader::DatasetReader(const fs::path& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  Impl& m = *impl_;
  m.path = path;
  const std::string name = path.string();
  FF_REQUIRE(fs::exists(path), InputError, "{}: file not found", name);
  FF_REQUIRE(std::ifstream(path).good(), InputError, "{}: file is not readable", name);
  FF_REQUIRE(H5Fis_hdf5(path.c_str()) > 0, InputError, "{}: not an HDF5 file", name);
  m.file = h5::file_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + name);

  FF_REQUIRE(h5::has_attribute(m.file, "fieldforge_version"), InputError,
             "{}: not a fieldforge dataset (no fieldforge_version attribute on /)", name);
  FF_REQUIRE(h5::link_exists(m.file, "/grid"), InputError, "{}: wrong layout: missing group /grid", name);
  {
    h5::Handle grid = h5::group_handle(H5Gopen2(m.file, "/grid", H5P_DEFAULT), "open /grid");
    FF_REQUIRE(h5::has_attribute(grid, "kind"), InputError, "{}: wrong layout: /grid has no 'kind' attribute", name);
  }
  for (const char* group : {"inputs", "outputs", "params"}) {
    if (!h5::link_exists(m.file, std::string("/") + group)) continue;
    for (const auto& member : group_members(m.file, std::string("/") + group))
      m.fields.push_back(std::string(group) + "/" + member);
  }
  FF_REQUIRE(!m.fields.empty(), InputError, "{}: wrong layout: no datasets under /inputs, /outputs or /params", name);
  for (std::size_t i = 0; i < m.fields.size(); ++i) {
    const auto dims = h5::dataset_shape(m.open_dataset(m.fields[i]));
    FF_REQUIRE(!dims.empty(), InputError, "{}: wrong layout: /{} is a scalar, expected [n_samples, ...]", name,
               m.fields[i]);
    if (i == 0) m.n_samples = static_cast<long>(dims[0]);
    FF_REQUIRE(static_cast<long>(dims[0]) == m.n_samples, InputError,
               "{}: wrong layout: /{} has {} samples but /{} has {}", name, m.fields[i], dims[0], m.fields[0],
               m.n_samples);
  }
}

DatasetReader::~DatasetReader() = default;
DatasetReader::DatasetReader(DatasetReader&&) noexcept = default;
DatasetReader& DatasetReader::operator=(DatasetReader&&) noexcept = default;

const fs::path& DatasetReader::path() const { return impl_->path; }
long DatasetReader::n_samples() const { return impl_->n_samples; }
std::vector<std::string> DatasetReader::fields() const { return impl_->fields; }

bool DatasetReader::has_field(const std::string& field) const {
  for (const auto& f : impl_->fields)
    if (f == field) return true;
  return false;
}

GridInfo DatasetReader::grid() const {
  GridInfo info;
  h5::Handle grid = h5::group_handle(H5Gopen2(impl_->file, "/grid", H5P_DEFAULT), "open /grid");
  info.kind = h5::read_string_attribute(grid, "kind");
  if (h5::has_attribute(grid, "shape"))
    for (double v : h5::read_double_array_attribute(grid, "shape")) info.shape.push_back(static_cast<long>(v));
  if (h5::has_attribute(grid, "extent")) info.extent = h5::read_double_array_attribute(grid, "extent");
  if (h5::has_attribute(grid, "colatitude")) info.colatitude = h5::read_double_array_attribute(grid, "colatitude");
  return info;
}

std::vector<std::uint64_t> DatasetReader::sample_shape(const std::string& field) const {
  auto dims = h5::dataset_shape(impl_->open_dataset(field));
  return {dims.begin() + 1, dims.end()};
}

std::uint64_t DatasetReader::sample_size(const std::string& field) const {
  std::uint64_t n = 1;
  for (auto d : sample_shape(field)) n *= d;
  return n;
}

std::string DatasetReader::root_attribute(const std::string& name) const {
  FF_REQUIRE(h5::has_attribute(impl_->file, name), InputError, "{}: no attribute '{}' on /", impl_->path.string(),
             name);
  return h5::read_string_attribute(impl_->file, name);
}

bool DatasetReader::has_field_attribute(const std::string& field, const std::string& name) const {
  return h5::has_attribute(impl_->open_dataset(field), name);
}

double DatasetReader::field_attribute(const std::string& field, const std::string& name) const {
  h5::Handle set = impl_->open_dataset(field);
  FF_REQUIRE(h5::has_attribute(set, name), InputError, "{}: /{} has no attribute '{}'", impl_->path.string(), field,
             name);
  return h5::read_double_array_attribute(set, name).at(0);
}

std::vector<double> DatasetReader::times() const {
  if (!h5::link_exists(impl_->file, "/times")) return {};
  h5::Handle set = h5::dataset_handle(H5Dopen2(impl_->file, "/times", H5P_DEFAULT), "open /times");
  std::vector<double> values(h5::dataset_shape(set).at(0));
  if (!values.empty())
    h5::check_status(H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read /times");
  return values;
}

std::vector<long> DatasetReader::split(const std::string& name) const {
  const std::string p = "/splits/" + name;
  if (!h5::link_exists(impl_->file, p)) return {};
  h5::Handle set = h5::dataset_handle(H5Dopen2(impl_->file, p.c_str(), H5P_DEFAULT), "open " + p);
  std::vector<long> indices(h5::dataset_shape(set).at(0));
  if (!indices.empty())
    h5::check_status(H5Dread(set, H5T_NATIVE_LONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, indices.data()), "read " + p);
  return indices;
}

std::vector<double> DatasetReader::read(const std::string& field, long first, long count) const {
  const std::string name = impl_->path.string();
  FF_REQUIRE(first >= 0 && count >= 0 && first + count <= impl_->n_samples, InputError,
             "{}: samples [{}, {}) out of range (file has {})", name, first, first + count, impl_->n_samples);
  h5::Handle set = impl_->open_dataset(field);
  std::vector<hsize_t> dims = h5::dataset_shape(set);
  std::vector<hsize_t> start(dims.size(), 0);
  start[0] = static_cast<hsize_t>(first);
  dims[0] = static_cast<hsize_t>(count);
  std::uint64_t total = 1;
  for (auto d : dims) total *= d;
  std::vector<double> values(total);
  if (total == 0) return values;
  h5::Handle file_space = h5::space_handle(H5Dget_space(set), "file space");
  h5::check_status(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, dims.data(), nullptr),
                   "select");
  h5::Handle memory = h5::space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "memory");
  h5::check_status(H5Dread(set, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, values.data()),
                   name + ": read /" + field);
  return values;
}

std::vector<double> DatasetReader::read_indices(const std::string& field, const std::vector<long>& indices) const {
  const std::uint64_t per_sample = sample_size(field);
  std::vector<double> values;
  values.reserve(per_sample * indices.size());
  for (long i : indices) {
    const std::vector<double> one = read(field, i, 1);
    values.insert(values.end(), one.begin(), one.end());
  }
  return values;
}

BatchStream::BatchStream(const DatasetReader& reader, std::string field, std::vector<long> order, long batch_size)
    : reader_(reader), field_(std::move(field)), order_(std::move(order)), batch_size_(batch_size) {
  FF_REQUIRE(batch_size_ > 0, InputError, "batch size must be positive, got {}", batch_size_);
}

bool BatchStream::next(std::vector<double>& values, std::vector<long>& indices) {
  if (position_ >= order_.size()) return false;
  const std::size_t end = std::min(order_.size(), position_ + static_cast<std::size_t>(batch_size_));
  indices.assign(order_.begin() + position_, order_.begin() + end);
  values = reader_.read_indices(field_, indices);
  position_ = end;
  return true;
}

}  // namespace ff
