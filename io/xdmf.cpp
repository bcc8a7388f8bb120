#include "io/xdmf.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

namespace ff {
namespace {

std::string join_dims(const std::vector<std::uint64_t>& dims) {
  std::string out;
  for (auto d : dims) out += (out.empty() ? "" : " ") + std::to_string(d);
  return out;
}

const char* xdmf_cell_type(const std::string& cell_type) {
  if (cell_type == "triangle") return "Triangle";
  if (cell_type == "quadrilateral") return "Quadrilateral";
  if (cell_type == "tetrahedron") return "Tetrahedron";
  if (cell_type == "hexahedron") return "Hexahedron";
  throw RunError("XDMF: unknown cell type '" + cell_type + "'");
}

// DataItem reading one block of `field` out of its [n_samples, ...] dataset:
// sample `sample`, fixed indices `fixed` on the axes after the sample axis
// (time, component), and the whole `spatial` extent.
std::string hyperslab_item(const std::string& h5_file, const FieldSpec& field, long n_samples, long sample,
                           const std::vector<std::uint64_t>& fixed, const std::vector<std::uint64_t>& spatial,
                           const std::string& indent) {
  std::vector<std::uint64_t> full{static_cast<std::uint64_t>(n_samples)};
  full.insert(full.end(), field.sample_shape.begin(), field.sample_shape.end());
  const std::size_t rank = full.size();
  std::vector<std::uint64_t> start(rank, 0), stride(rank, 1), count = full;
  start[0] = sample;
  count[0] = 1;
  for (std::size_t a = 0; a < fixed.size(); ++a) {
    start[1 + a] = fixed[a];
    count[1 + a] = 1;
  }
  const int precision = field.dtype == DType::float32 ? 4 : 8;
  return fmt::format(
      "{0}<DataItem ItemType=\"HyperSlab\" Dimensions=\"{1}\">\n"
      "{0}  <DataItem Dimensions=\"3 {2}\" Format=\"XML\">{3} {4} {5}</DataItem>\n"
      "{0}  <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"{6}\" Dimensions=\"{7}\">{8}:/{9}</DataItem>\n"
      "{0}</DataItem>\n",
      indent, join_dims(spatial), rank, join_dims(start), join_dims(stride), join_dims(count), precision,
      join_dims(full), h5_file, field.path);
}

// The attribute(s) showing one sample (and time, when `time` holds one index)
// of `field`: a scalar, a vector joined from three component slabs, or one
// scalar per component for other component counts.
std::string field_attributes(const std::string& name, const std::string& center, const std::string& h5_file,
                             const FieldSpec& field, long n_samples, long sample,
                             const std::vector<std::uint64_t>& time, const std::vector<std::uint64_t>& spatial) {
  auto open = [&](const std::string& attribute, const char* type) {
    return fmt::format("      <Attribute Name=\"{}\" Center=\"{}\" AttributeType=\"{}\">\n", attribute, center, type);
  };
  const std::string close = "      </Attribute>\n";
  if (field.components == 1)
    return open(name, "Scalar") + hyperslab_item(h5_file, field, n_samples, sample, time, spatial, "        ") + close;
  auto component = [&](int c) {
    auto fixed = time;
    fixed.push_back(static_cast<std::uint64_t>(c));
    return fixed;
  };
  std::string out;
  if (field.components == 3) {
    auto joined = spatial;
    joined.push_back(3);
    out = open(name, "Vector") +
          fmt::format("        <DataItem ItemType=\"Function\" Function=\"JOIN($0, $1, $2)\" Dimensions=\"{}\">\n",
                      join_dims(joined));
    for (int c = 0; c < 3; ++c)
      out += hyperslab_item(h5_file, field, n_samples, sample, component(c), spatial, "          ");
    return out + "        </DataItem>\n" + close;
  }
  for (int c = 0; c < field.components; ++c)
    out += open(fmt::format("{}_{}", name, c), "Scalar") +
           hyperslab_item(h5_file, field, n_samples, sample, component(c), spatial, "        ") + close;
  return out;
}

}  // namespace

std::string xdmf_document(const std::string& h5_file, const DatasetLayout& layout) {
  const GridInfo& grid = layout.grid;
  std::string topology_geometry;
  std::vector<std::uint64_t> node_shape, cell_shape;

  if (grid.kind == "periodic" && (grid.shape.size() == 2 || grid.shape.size() == 3)) {
    const std::size_t dim = grid.shape.size();
    std::vector<double> spacing(dim);
    for (std::size_t a = 0; a < dim; ++a) {
      const double length = a < grid.extent.size() ? grid.extent[a] : 1.0;
      spacing[a] = length / grid.shape[a];
      node_shape.push_back(grid.shape[a]);
    }
    std::string origin, step;
    for (std::size_t a = 0; a < dim; ++a) {
      origin += (a ? " " : "") + std::string("0");
      step += fmt::format("{}{:.17g}", a ? " " : "", spacing[a]);
    }
    topology_geometry = fmt::format(
        "      <Topology TopologyType=\"{}DCoRectMesh\" Dimensions=\"{}\"/>\n"
        "      <Geometry GeometryType=\"{}\">\n"
        "        <DataItem Format=\"XML\" Dimensions=\"{}\">{}</DataItem>\n"
        "        <DataItem Format=\"XML\" Dimensions=\"{}\">{}</DataItem>\n"
        "      </Geometry>\n",
        dim, join_dims(node_shape), dim == 2 ? "ORIGIN_DXDY" : "ORIGIN_DXDYDZ", dim, origin, dim, step);
  } else if (grid.kind == "mesh") {
    const MeshInfo& mesh = layout.mesh;
    const std::uint64_t n_nodes = mesh.nodes.size() / mesh.dim;
    const std::uint64_t n_cells = mesh.cells.size() / mesh.nodes_per_cell;
    node_shape = {n_nodes};
    cell_shape = {n_cells};
    topology_geometry = fmt::format(
        "      <Topology TopologyType=\"{}\" NumberOfElements=\"{}\">\n"
        "        <DataItem Format=\"HDF\" NumberType=\"Int\" Precision=\"8\" Dimensions=\"{} "
        "{}\">{}:/mesh/cells</DataItem>\n"
        "      </Topology>\n"
        "      <Geometry GeometryType=\"{}\">\n"
        "        <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"{} "
        "{}\">{}:/mesh/nodes</DataItem>\n"
        "      </Geometry>\n",
        xdmf_cell_type(mesh.cell_type), n_cells, n_cells, mesh.nodes_per_cell, h5_file, mesh.dim == 2 ? "XY" : "XYZ",
        n_nodes, mesh.dim, h5_file);
  } else {
    return "";
  }

  const long n_listed = std::min(layout.n_samples, kXdmfMaxSamples);
  std::string grids;
  bool any_attribute = false;
  for (long s = 0; s < n_listed; ++s) {
    std::string attributes;
    for (const FieldSpec& field : layout.fields) {
      const std::string name = field.path.substr(field.path.find('/') + 1);
      const auto& shape = field.sample_shape;
      const std::size_t component_axes = field.components > 1 ? 1 : 0;
      for (const auto& [spatial, center] : {std::pair{node_shape, "Node"}, std::pair{cell_shape, "Cell"}}) {
        // [(n_times,) (components,) spatial...]
        const std::size_t tail = spatial.size() + component_axes;
        if (spatial.empty() || shape.size() < tail || shape.size() > tail + 1) continue;
        if (!std::equal(spatial.begin(), spatial.end(), shape.end() - spatial.size())) continue;
        if (component_axes && shape[shape.size() - tail] != static_cast<std::uint64_t>(field.components)) continue;
        if (shape.size() == tail) {
          attributes += field_attributes(name, center, h5_file, field, layout.n_samples, s, {}, spatial);
        } else {
          for (std::uint64_t t = 0; t < shape[0]; ++t)
            attributes += field_attributes(fmt::format("{}_t{}", name, t), center, h5_file, field, layout.n_samples, s,
                                           {t}, spatial);
        }
      }
    }
    any_attribute = any_attribute || !attributes.empty();
    grids +=
        fmt::format("    <Grid Name=\"sample_{}\" GridType=\"Uniform\">\n      <Time Value=\"{}\"/>\n{}{}    </Grid>\n",
                    s, s, topology_geometry, attributes);
  }
  if (!any_attribute) return "";  // no field lives on the grid: nothing for ParaView to show
  return fmt::format(
      "<?xml version=\"1.0\" ?>\n<!-- fieldforge sidecar for {}: samples are the steps of the collection -->\n"
      "<Xdmf Version=\"3.0\">\n  <Domain>\n"
      "   <Grid Name=\"samples\" GridType=\"Collection\" CollectionType=\"Temporal\">\n{}"
      "   </Grid>\n  </Domain>\n</Xdmf>\n",
      h5_file, grids);
}

void write_xdmf_sidecar(const std::filesystem::path& h5_path, const DatasetLayout& layout) {
  const std::string text = xdmf_document(h5_path.filename().string(), layout);
  if (text.empty()) return;
  std::filesystem::path target = h5_path;
  target.replace_extension(".xdmf");
  const std::filesystem::path partial = target.string() + ".partial";
  {
    std::ofstream out(partial);
    out << text;
    FF_REQUIRE(out.good(), RunError, "cannot write {}", partial.string());
  }
  std::filesystem::rename(partial, target);
}

}  // namespace ff
