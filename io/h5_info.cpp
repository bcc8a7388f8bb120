#include "io/h5_info.hpp"

#include "core/error.hpp"
#include "io/h5.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace ff {
namespace {

std::string type_name(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  switch (cls) {
    case H5T_FLOAT:
      return size == 4 ? "float32" : size == 8 ? "float64" : fmt::format("float{}", 8 * size);
    case H5T_INTEGER:
      return fmt::format("{}int{}", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", 8 * size);
    case H5T_STRING:
      return "string";
    default:
      return "other";
  }
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  return dims.empty() ? "scalar" : fmt::format("[{}]", fmt::join(dims, ", "));
}

std::string attribute_text(hid_t attr) {
  h5::Handle type = h5::type_handle(H5Aget_type(attr), "attribute type");
  h5::Handle space = h5::space_handle(H5Aget_space(attr), "attribute space");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (H5Tget_class(type) == H5T_STRING) return "(string)";
  if (H5Tget_class(type) == H5T_FLOAT || H5Tget_class(type) == H5T_INTEGER) {
    std::vector<double> values(static_cast<std::size_t>(n));
    h5::check_status(H5Aread(attr, H5T_NATIVE_DOUBLE, values.data()), "read attribute");
    if (n == 1) return fmt::format("{:g}", values[0]);
    if (n <= 8) return fmt::format("[{}]", fmt::join(values, ", "));
    return fmt::format("[{} values]", n);
  }
  return "(" + type_name(type) + ")";
}

struct Visit {
  std::string out;
  std::string prefix;  // path of the group being walked, with a trailing '/'
};

herr_t describe_attribute(hid_t object, const char* name, const H5A_info_t*, void* data) {
  auto& visit = *static_cast<Visit*>(data);
  h5::Handle attr = h5::attr_handle(H5Aopen(object, name, H5P_DEFAULT), "open attribute");
  std::string value = attribute_text(attr);
  if (value == "(string)") {
    value = h5::read_string_attribute(object, name);
    if (value.find('\n') != std::string::npos)
      value = fmt::format("({} lines of text)", std::count(value.begin(), value.end(), '\n'));
    else if (value.size() > 60)
      value = value.substr(0, 57) + "...";
  }
  visit.out += fmt::format("      @{} = {}\n", name, value);
  return 0;
}

void describe_attributes(hid_t object, Visit& visit) {
  hsize_t index = 0;
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, describe_attribute, &visit);
}

void describe_group(hid_t group, const std::string& path, Visit& visit);

// Link-iteration callback: describes one member of a group, recursing into groups.
herr_t describe_member(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto& visit = *static_cast<Visit*>(data);
  const std::string path = visit.prefix + name;
  h5::Handle object(h5::check(H5Oopen(group, name, H5P_DEFAULT), "open " + path), H5Oclose);
  const H5I_type_t kind = H5Iget_type(object);
  if (kind == H5I_DATASET) {
    h5::Handle type = h5::type_handle(H5Dget_type(object), "dataset type");
    visit.out += fmt::format("  {}  {} {}\n", path, shape_text(h5::dataset_shape(object)), type_name(type));
    describe_attributes(object, visit);
  } else if (kind == H5I_GROUP) {
    describe_group(object, path, visit);
  }
  return 0;
}

void describe_group(hid_t group, const std::string& path, Visit& visit) {
  visit.out += fmt::format("  {}  (group)\n", path);
  describe_attributes(group, visit);
  const std::string saved = visit.prefix;
  visit.prefix = path == "/" ? "/" : path + "/";
  H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, describe_member, &visit);
  visit.prefix = saved;
}

}  // namespace

std::string describe_h5_file(const std::filesystem::path& path, bool show_case) {
  h5::silence_errors();
  FF_REQUIRE(std::filesystem::exists(path), InputError, "{}: file not found", path.string());
  FF_REQUIRE(H5Fis_hdf5(path.c_str()) > 0, InputError, "{}: not an HDF5 file", path.string());
  h5::Handle file = h5::file_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + path.string());
  Visit visit;
  visit.out = fmt::format("{} ({} bytes)\n", path.string(), std::filesystem::file_size(path));
  describe_group(file, "/", visit);
  if (show_case && h5::has_attribute(file, "case"))
    visit.out += "\nproduced by this case:\n" + h5::read_string_attribute(file, "case");
  return visit.out;
}

}  // namespace ff
