#include "io/array_file.hpp"

#include "core/error.hpp"
#include "io/h5.hpp"

#include <cmath>
#include <numeric>

namespace ff {

namespace fs = std::filesystem;

struct ArrayFileWriter::Impl {
  fs::path final_path, partial_path;
  h5::Handle file;
  bool committed = false;
};

ArrayFileWriter::ArrayFileWriter(fs::path path, const Provenance& provenance) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  impl_->final_path = std::move(path);
  impl_->partial_path = impl_->final_path.string() + ".partial";
  impl_->file = h5::file_handle(H5Fcreate(impl_->partial_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                                "create " + impl_->partial_path.string());
  h5::write_provenance(impl_->file, provenance);
}

ArrayFileWriter::~ArrayFileWriter() {
  if (impl_->committed) return;
  impl_->file.reset();
  std::error_code ignored;
  fs::remove(impl_->partial_path, ignored);
}

void ArrayFileWriter::write(const std::string& name, const std::vector<std::uint64_t>& shape, const float* values) {
  const std::uint64_t count = std::accumulate(shape.begin(), shape.end(), std::uint64_t{1}, std::multiplies<>());
  for (std::uint64_t i = 0; i < count; ++i)
    FF_REQUIRE(std::isfinite(values[i]), RunError, "{}: array '{}' has a non-finite value at element {}",
               impl_->final_path.string(), name, i);
  const std::vector<hsize_t> dims(shape.begin(), shape.end());
  h5::Handle space =
      h5::space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space of " + name);
  h5::Handle lcpl = h5::plist_handle(H5Pcreate(H5P_LINK_CREATE), "link plist");
  h5::check_status(H5Pset_create_intermediate_group(lcpl, 1), "intermediate groups");
  h5::Handle set = h5::dataset_handle(
      H5Dcreate2(impl_->file, name.c_str(), H5T_IEEE_F32LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT), "create " + name);
  if (count > 0)
    h5::check_status(H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), "write " + name);
}

void ArrayFileWriter::attribute(const std::string& name, const std::string& value) {
  h5::write_string_attribute(impl_->file, name, value);
}

void ArrayFileWriter::commit() {
  impl_->file.reset();
  fs::rename(impl_->partial_path, impl_->final_path);
  impl_->committed = true;
}

}  // namespace ff
