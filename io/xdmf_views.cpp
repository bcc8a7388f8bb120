#include "io/xdmf_views.hpp"

#include "io/h5.hpp"

#include <fmt/format.h>

namespace ff {

std::vector<std::uint64_t> View::shape() const {
  auto dims = spatial;
  if (vector()) dims.push_back(3);
  return dims;
}

namespace {

std::vector<hsize_t> as_hsize(const std::vector<std::uint64_t>& v) { return {v.begin(), v.end()}; }

// Selects one block of `view.field` in the source dataspace.
h5::Handle source_selection(const View& view, const ViewBlock& block) {
  const auto dims = as_hsize(view.source_shape);
  h5::Handle space = h5::space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                                      "source space of " + view.field);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  for (std::size_t a = 0; a < block.leading.size(); ++a) {
    start[a] = block.leading[a];
    count[a] = 1;
  }
  h5::check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                   "select a block of " + view.field);
  return space;
}

// Selects where `block` lands in the view: all of it, or one vector component.
void select_destination(hid_t space, const View& view, const ViewBlock& block) {
  const auto dims = as_hsize(view.shape());
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  if (block.slot >= 0) {
    start.back() = static_cast<hsize_t>(block.slot);
    count.back() = 1;
  }
  h5::check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                   "select the destination of " + view.name);
}

}  // namespace

void write_views(const std::filesystem::path& path, const std::string& source_name, const std::vector<View>& views) {
  h5::silence_errors();
  h5::Handle file =
      h5::file_handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), "create " + path.string());
  h5::Handle link_plist = h5::plist_handle(H5Pcreate(H5P_LINK_CREATE), "link plist");
  h5::check_status(H5Pset_create_intermediate_group(link_plist, 1), "intermediate groups");
  for (const View& view : views) {
    const auto dims = as_hsize(view.shape());
    h5::Handle space = h5::space_handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                                        "space of view " + view.name);
    h5::Handle dcpl = h5::plist_handle(H5Pcreate(H5P_DATASET_CREATE), "view plist");
    const hid_t type = view.dtype == DType::float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;  // as the source
    const double zero = 0.0;
    h5::check_status(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &zero), "fill value");
    for (const ViewBlock& block : view.blocks) {
      select_destination(space, view, block);
      h5::Handle source = source_selection(view, block);
      const std::string dataset = "/" + view.field;
      h5::check_status(H5Pset_virtual(dcpl, space, source_name.c_str(), dataset.c_str(), source),
                       "map view " + view.name);
    }
    h5::check_status(H5Sselect_all(space), "select all");
    h5::Handle set = h5::dataset_handle(H5Dcreate2(file, view.name.c_str(), type, space, link_plist, dcpl, H5P_DEFAULT),
                                        "create view " + view.name);
  }
  h5::check_status(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush " + path.string());
}

}  // namespace ff
