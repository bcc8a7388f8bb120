#include "io/h5.hpp"

#include "core/error.hpp"

#include <fieldforge/build_config.hpp>

#include <ctime>

namespace ff::h5 {
namespace {

herr_t collect_innermost(unsigned n, const H5E_error2_t* err, void* data) {
  if (n == 0 && err->desc) *static_cast<std::string*>(data) = err->desc;
  return 0;
}

std::string last_hdf5_message() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect_innermost, &message);
  H5Eclear2(H5E_DEFAULT);
  return message.empty() ? "HDF5 call failed" : message;
}

}  // namespace

void Handle::reset() { close(); }

herr_t Handle::close() {
  const herr_t status = id_ >= 0 && closer_ ? closer_(id_) : 0;
  id_ = H5I_INVALID_HID;
  return status;
}

void silence_errors() {
  static const bool silenced = [] { return H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0; }();
  (void)silenced;
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw RunError(what + ": " + last_hdf5_message());
  return id;
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) throw RunError(what + ": " + last_hdf5_message());
}

Handle file_handle(hid_t id, const std::string& what) { return {check(id, what), H5Fclose}; }
Handle group_handle(hid_t id, const std::string& what) { return {check(id, what), H5Gclose}; }
Handle dataset_handle(hid_t id, const std::string& what) { return {check(id, what), H5Dclose}; }
Handle space_handle(hid_t id, const std::string& what) { return {check(id, what), H5Sclose}; }
Handle plist_handle(hid_t id, const std::string& what) { return {check(id, what), H5Pclose}; }
Handle attr_handle(hid_t id, const std::string& what) { return {check(id, what), H5Aclose}; }
Handle type_handle(hid_t id, const std::string& what) { return {check(id, what), H5Tclose}; }

bool link_exists(hid_t location, const std::string& path) {
  // H5Lexists needs every intermediate group to exist: walk the path.
  std::string partial;
  std::size_t start = path[0] == '/' ? 1 : 0;
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    partial = path.substr(0, end == std::string::npos ? path.size() : end);
    if (H5Lexists(location, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  Handle type = type_handle(H5Tcopy(H5T_C_S1), "string type");
  check_status(H5Tset_size(type, value.empty() ? 1 : value.size()), "string size");
  check_status(H5Tset_cset(type, H5T_CSET_UTF8), "string charset");
  Handle space = space_handle(H5Screate(H5S_SCALAR), "scalar space");
  Handle attr =
      attr_handle(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "create attribute " + name);
  const char* data = value.empty() ? "" : value.data();
  check_status(H5Awrite(attr, type, data), "write attribute " + name);
}

void write_double_attribute(hid_t object, const std::string& name, double value) {
  write_double_array_attribute(object, name, {value});
}

void write_double_array_attribute(hid_t object, const std::string& name, const std::vector<double>& values) {
  const hsize_t n = values.size();
  Handle space = space_handle(n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), "attr space");
  Handle attr = attr_handle(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                            "create attribute " + name);
  check_status(H5Awrite(attr, H5T_NATIVE_DOUBLE, values.data()), "write attribute " + name);
}

void write_long_array_attribute(hid_t object, const std::string& name, const std::vector<long>& values) {
  const hsize_t n = values.size();
  Handle space = space_handle(H5Screate_simple(1, &n, nullptr), "attr space");
  Handle attr = attr_handle(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT),
                            "create attribute " + name);
  check_status(H5Awrite(attr, H5T_NATIVE_LONG, values.data()), "write attribute " + name);
}

bool has_attribute(hid_t object, const std::string& name) { return H5Aexists(object, name.c_str()) > 0; }

std::string read_string_attribute(hid_t object, const std::string& name) {
  Handle attr = attr_handle(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Handle type = type_handle(H5Aget_type(attr), "attribute type");
  FF_REQUIRE(H5Tget_class(type) == H5T_STRING, InputError, "attribute '{}' is not a string", name);
  if (H5Tis_variable_str(type) > 0) {
    Handle mem = type_handle(H5Tcopy(H5T_C_S1), "string type");
    check_status(H5Tset_size(mem, H5T_VARIABLE), "string size");
    char* text = nullptr;
    check_status(H5Aread(attr, mem, &text), "read attribute " + name);
    std::string value = text ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type), '\0');
  check_status(H5Aread(attr, type, value.data()), "read attribute " + name);
  while (!value.empty() && value.back() == '\0') value.pop_back();
  return value;
}

std::vector<double> read_double_array_attribute(hid_t object, const std::string& name) {
  Handle attr = attr_handle(H5Aopen(object, name.c_str(), H5P_DEFAULT), "open attribute " + name);
  Handle space = space_handle(H5Aget_space(attr), "attribute space");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> values(static_cast<std::size_t>(n));
  check_status(H5Aread(attr, H5T_NATIVE_DOUBLE, values.data()), "read attribute " + name);
  return values;
}

std::vector<hsize_t> dataset_shape(hid_t dataset) {
  Handle space = space_handle(H5Dget_space(dataset), "dataset space");
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

void write_provenance(hid_t file, const Provenance& provenance) {
  write_string_attribute(file, "fieldforge_version", FIELDFORGE_VERSION);
  write_string_attribute(file, "git_sha", FIELDFORGE_GIT_SHA);
  write_string_attribute(file, "created_utc", utc_now());
  write_string_attribute(file, "case", provenance.case_yaml);
  write_string_attribute(file, "case_name", provenance.case_name);
  write_string_attribute(file, "stage", provenance.stage);
}

}  // namespace ff::h5
