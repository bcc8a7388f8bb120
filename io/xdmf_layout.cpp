// read_dataset_layout: what `fieldforge xdmf` needs to write sidecars for a
// dataset that already exists.
#include "core/error.hpp"
#include "io/dataset_reader.hpp"
#include "io/h5.hpp"
#include "io/xdmf.hpp"

namespace ff {
namespace {

template <typename T>
std::vector<T> read_all(hid_t file, const std::string& path, hid_t memory_type, std::vector<hsize_t>* dims = nullptr) {
  h5::Handle set = h5::dataset_handle(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path);
  const std::vector<hsize_t> shape = h5::dataset_shape(set);
  hsize_t n = 1;
  for (hsize_t d : shape) n *= d;
  std::vector<T> values(n);
  if (n > 0) h5::check_status(H5Dread(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read " + path);
  if (dims) *dims = shape;
  return values;
}

DType stored_dtype(hid_t file, const std::string& path) {
  h5::Handle set = h5::dataset_handle(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "open " + path);
  h5::Handle type = h5::type_handle(H5Dget_type(set), "type of " + path);
  return H5Tget_size(type) == 4 ? DType::float32 : DType::float64;
}

}  // namespace

DatasetLayout read_dataset_layout(const std::filesystem::path& h5_path) {
  const DatasetReader reader(h5_path);  // checks the layout, with errors naming the file
  DatasetLayout layout;
  layout.n_samples = reader.n_samples();
  layout.grid = reader.grid();
  h5::Handle file = h5::file_handle(H5Fopen(h5_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + h5_path.string());

  if (layout.grid.kind == "mesh") {
    MeshInfo& mesh = layout.mesh;
    std::vector<hsize_t> node_dims, cell_dims;
    mesh.nodes = read_all<double>(file, "/mesh/nodes", H5T_NATIVE_DOUBLE, &node_dims);
    mesh.cells = read_all<long>(file, "/mesh/cells", H5T_NATIVE_LONG, &cell_dims);
    FF_REQUIRE(node_dims.size() == 2 && cell_dims.size() == 2, InputError,
               "{}: wrong layout: /mesh/nodes and /mesh/cells must be 2D", h5_path.string());
    mesh.dim = static_cast<int>(node_dims[1]);
    mesh.nodes_per_cell = static_cast<int>(cell_dims[1]);
    h5::Handle cells = h5::dataset_handle(H5Dopen2(file, "/mesh/cells", H5P_DEFAULT), "open /mesh/cells");
    mesh.cell_type = h5::read_string_attribute(cells, "cell_type");
  }
  for (const std::string& field : reader.fields()) {
    FieldSpec spec{field, reader.sample_shape(field), stored_dtype(file, "/" + field), {}};
    if (reader.has_field_attribute(field, "components"))
      spec.components = static_cast<int>(reader.field_attribute(field, "components"));
    layout.fields.push_back(std::move(spec));
  }
  layout.times = reader.times();
  return layout;
}

}  // namespace ff
