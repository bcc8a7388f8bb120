// Thin RAII layer over the HDF5 C API. HDF5's own error printing is turned
// off; failures become ff::RunError with HDF5's innermost message attached.
// Internal to io/: other modules use DatasetWriter and DatasetReader.
#pragma once

#include "io/dataset_writer.hpp"

#include <hdf5.h>

#include <string>
#include <vector>

namespace ff::h5 {

// Owns one HDF5 identifier and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      closer_ = o.closer_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  void reset();
  // reset() that reports: HDF5 writes cached data when the last handle of a
  // file closes, so a full disk may only show here. 0 for an empty handle.
  herr_t close();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Throws RunError("<what>: <HDF5 message>") when id < 0; returns id otherwise.
hid_t check(hid_t id, const std::string& what);
void check_status(herr_t status, const std::string& what);

// Disables HDF5's automatic error printing (idempotent).
void silence_errors();

Handle file_handle(hid_t id, const std::string& what);
Handle group_handle(hid_t id, const std::string& what);
Handle dataset_handle(hid_t id, const std::string& what);
Handle space_handle(hid_t id, const std::string& what);
Handle plist_handle(hid_t id, const std::string& what);
Handle attr_handle(hid_t id, const std::string& what);
Handle type_handle(hid_t id, const std::string& what);

bool link_exists(hid_t location, const std::string& path);

void write_string_attribute(hid_t object, const std::string& name, const std::string& value);
void write_double_attribute(hid_t object, const std::string& name, double value);
void write_long_array_attribute(hid_t object, const std::string& name, const std::vector<long>& values);
void write_double_array_attribute(hid_t object, const std::string& name, const std::vector<double>& values);

bool has_attribute(hid_t object, const std::string& name);
std::string read_string_attribute(hid_t object, const std::string& name);
std::vector<double> read_double_array_attribute(hid_t object, const std::string& name);

// The attributes every fieldforge file carries on /: fieldforge_version,
// git_sha, created_utc, case, case_name, stage.
void write_provenance(hid_t file, const Provenance& provenance);

// Dimensions of a dataset.
std::vector<hsize_t> dataset_shape(hid_t dataset);

}  // namespace ff::h5
