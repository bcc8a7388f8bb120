#include "io/xdmf.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/xdmf_views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace ff {
namespace fs = std::filesystem;
namespace {

std::string join(const std::vector<std::uint64_t>& dims) {
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

// Topology and geometry of the grid, with the spatial shapes of node and cell
// fields in the data file and as the sidecar shows them (a 2D grid's fields
// get the topology's leading 1: the legacy reader misreads them otherwise).
struct GridForm {
  std::string xml;
  std::vector<std::uint64_t> node_shape, cell_shape;
  std::vector<std::uint64_t> node_view, cell_view;
};

// Uniform grids are written as 3DCoRectMesh in every dimension (a 2D grid is
// one layer thick): all three readers place a 3D one in the xy plane with the
// last HDF5 axis along x, while a 2DCoRectMesh lands in the yz plane.
// XDMF lists dimensions, origin and spacing slowest axis first.
std::optional<GridForm> grid_form(const std::string& data_file, const DatasetLayout& layout) {
  const GridInfo& grid = layout.grid;
  GridForm form;
  const bool uniform = grid.kind == "periodic" || grid.kind == "closed";
  if (uniform && (grid.shape.size() == 2 || grid.shape.size() == 3)) {
    std::vector<std::uint64_t> dims;
    std::string spacing;
    if (grid.shape.size() == 2) {
      dims.push_back(1);
      spacing = "1";
    }
    for (std::size_t a = 0; a < grid.shape.size(); ++a) {
      const double length = a < grid.extent.size() ? grid.extent[a] : 1.0;
      // periodic: n points, the last one short of the period; closed: both ends
      const long intervals = grid.kind == "periodic" ? grid.shape[a] : std::max(grid.shape[a] - 1, 1L);
      spacing += fmt::format("{}{:.17g}", spacing.empty() ? "" : " ", length / intervals);
      dims.push_back(grid.shape[a]);
      form.node_shape.push_back(grid.shape[a]);
    }
    form.node_view = dims;
    form.xml = fmt::format(
        "      <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"{}\"/>\n"
        "      <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n"
        "        <DataItem Format=\"XML\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"3\">0 0 0</DataItem>\n"
        "        <DataItem Format=\"XML\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"3\">{}</DataItem>\n"
        "      </Geometry>\n",
        join(dims), spacing);
    return form;
  }
  if (grid.sphere() && grid.shape.size() == 2) {
    // A curvilinear surface one layer thick, its points stored by the dataset
    // writer in /grid/points (the rings do not close at longitude 2π).
    const std::uint64_t nlat = grid.shape[0], nlon = grid.shape[1];
    form.node_shape = {nlat, nlon};
    form.node_view = {1, nlat, nlon};
    form.xml = fmt::format(
        "      <Topology TopologyType=\"3DSMesh\" Dimensions=\"1 {} {}\"/>\n"
        "      <Geometry GeometryType=\"XYZ\">\n"
        "        <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"{} "
        "3\">{}:/grid/points</DataItem>\n"
        "      </Geometry>\n",
        nlat, nlon, nlat * nlon, data_file);
    return form;
  }
  if (grid.kind != "mesh") return std::nullopt;
  const MeshInfo& mesh = layout.mesh;
  const std::uint64_t n_nodes = mesh.nodes.size() / mesh.dim;
  const std::uint64_t n_cells = mesh.cells.size() / mesh.nodes_per_cell;
  form.node_shape = form.node_view = {n_nodes};
  form.cell_shape = form.cell_view = {n_cells};
  form.xml = fmt::format(
      "      <Topology TopologyType=\"{}\" NumberOfElements=\"{}\">\n"
      "        <DataItem Format=\"HDF\" NumberType=\"Int\" Precision=\"8\" Dimensions=\"{} "
      "{}\">{}:/mesh/cells</DataItem>\n"
      "      </Topology>\n"
      "      <Geometry GeometryType=\"{}\">\n"
      "        <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"8\" Dimensions=\"{} "
      "{}\">{}:/mesh/nodes</DataItem>\n"
      "      </Geometry>\n",
      xdmf_cell_type(mesh.cell_type), n_cells, n_cells, mesh.nodes_per_cell, data_file, mesh.dim == 2 ? "XY" : "XYZ",
      n_nodes, mesh.dim, data_file);
  return form;
}

// A field that lives on the grid: [(n_times,) (components,) spatial...] per sample.
struct GridField {
  const FieldSpec* spec;
  std::string name;                       // without the inputs/ or outputs/ group
  const char* center;                     // Node | Cell
  std::vector<std::uint64_t> view_shape;  // the spatial shape the sidecar declares
  std::uint64_t n_times = 0;              // 0: no time axis
};

std::vector<GridField> grid_fields(const DatasetLayout& layout, const GridForm& form) {
  std::vector<GridField> fields;
  for (const FieldSpec& spec : layout.fields) {
    if (spec.path.rfind("params/", 0) == 0) continue;
    const auto& shape = spec.sample_shape;
    const std::size_t component_axes = spec.components > 1 ? 1 : 0;
    const std::tuple<const std::vector<std::uint64_t>&, const std::vector<std::uint64_t>&, const char*> places[] = {
        {form.node_shape, form.node_view, "Node"}, {form.cell_shape, form.cell_view, "Cell"}};
    for (const auto& [spatial, view_shape, center] : places) {
      const std::size_t tail = spatial.size() + component_axes;
      if (spatial.empty() || shape.size() < tail || shape.size() > tail + 1) continue;
      if (!std::equal(spatial.begin(), spatial.end(), shape.end() - spatial.size())) continue;
      if (component_axes && shape[shape.size() - tail] != static_cast<std::uint64_t>(spec.components)) continue;
      fields.push_back(
          {&spec, spec.path.substr(spec.path.find('/') + 1), center, view_shape, shape.size() == tail ? 0 : shape[0]});
      break;
    }
  }
  return fields;
}

// Collects the views of one sidecar (each made once, however many steps use it)
// and writes the XML of the attributes that show them.
class SidecarBuilder {
 public:
  SidecarBuilder(const DatasetLayout& layout, std::string views_file)
      : layout_(layout), views_file_(std::move(views_file)) {}

  // The attribute(s) showing `field` at `sample` (and `time`, for a field with a time axis).
  std::string attributes(const GridField& field, long sample, std::optional<std::uint64_t> time) {
    std::vector<std::uint64_t> leading{static_cast<std::uint64_t>(sample)};
    std::string suffix = fmt::format("s{}", sample);
    if (time) {
      leading.push_back(*time);
      suffix += fmt::format("_t{}", *time);
    }
    const int components = field.spec->components;
    if (components == 1) return attribute(field.name, field, suffix, {{leading, -1}});
    if (components <= 3) {  // a vector; the z of a 2D one reads as 0
      std::vector<ViewBlock> blocks;
      for (int c = 0; c < components; ++c) blocks.push_back({with(leading, c), c});
      return attribute(field.name, field, suffix, blocks);
    }
    std::string out;
    for (int c = 0; c < components; ++c)
      out += attribute(fmt::format("{}_{}", field.name, c), field, suffix, {{with(leading, c), -1}});
    return out;
  }

  std::vector<View> take_views() { return std::move(views_); }

 private:
  static std::vector<std::uint64_t> with(std::vector<std::uint64_t> leading, int component) {
    leading.push_back(static_cast<std::uint64_t>(component));
    return leading;
  }

  std::string attribute(const std::string& name, const GridField& field, const std::string& suffix,
                        std::vector<ViewBlock> blocks) {
    const std::string path = fmt::format("/{}/{}", name, suffix);
    auto known = made_.find(path);
    if (known == made_.end()) {
      View view{path,
                field.spec->path,
                {static_cast<std::uint64_t>(layout_.n_samples)},
                field.view_shape,
                field.spec->dtype,
                std::move(blocks)};
      view.source_shape.insert(view.source_shape.end(), field.spec->sample_shape.begin(),
                               field.spec->sample_shape.end());
      known = made_.emplace(path, views_.size()).first;
      views_.push_back(std::move(view));
    }
    const View& view = views_[known->second];
    return fmt::format(
        "      <Attribute Name=\"{}\" Center=\"{}\" AttributeType=\"{}\">\n"
        "        <DataItem Format=\"HDF\" NumberType=\"Float\" Precision=\"{}\" Dimensions=\"{}\">{}:{}</DataItem>\n"
        "      </Attribute>\n",
        name, field.center, view.vector() ? "Vector" : "Scalar", view.dtype == DType::float32 ? 4 : 8,
        join(view.shape()), views_file_, path);
  }

  const DatasetLayout& layout_;
  std::string views_file_;
  std::vector<View> views_;
  std::map<std::string, std::size_t> made_;
};

std::string step_grid(const std::string& name, double time, const std::string& grid, const std::string& attributes) {
  return fmt::format("    <Grid Name=\"{}\" GridType=\"Uniform\">\n      <Time Value=\"{:.17g}\"/>\n{}{}    </Grid>\n",
                     name, time, grid, attributes);
}

std::string document(const std::string& comment, const std::string& steps) {
  return fmt::format(
      "<?xml version=\"1.0\" ?>\n<!-- {} -->\n<Xdmf Version=\"3.0\">\n  <Domain>\n"
      "   <Grid Name=\"steps\" GridType=\"Collection\" CollectionType=\"Temporal\">\n{}"
      "   </Grid>\n  </Domain>\n</Xdmf>\n",
      comment, steps);
}

// Writes the companion of `sidecar`, then the sidecar itself: a sidecar on
// disk always finds its views.
void write_sidecar(const fs::path& sidecar, const fs::path& data_file, std::vector<View> views,
                   const std::string& text) {
  const fs::path companion = sidecar.string() + ".h5";
  const fs::path partial = companion.string() + ".partial";
  write_views(partial, data_file.filename().string(), views);
  sync_file(partial);
  fs::rename(partial, companion);
  write_file_atomically(sidecar, text);
}

// The samples a sidecar shows when the user names none: the first sample of
// a trajectory dataset, the first kXdmfMaxSamples of a static one.
std::vector<long> default_samples(long n_samples, bool trajectory) {
  const long n = std::min(n_samples, trajectory ? 1L : kXdmfMaxSamples);
  std::vector<long> samples(static_cast<std::size_t>(std::max(n, 0L)));
  for (long s = 0; s < n; ++s) samples[s] = s;
  return samples;
}

}  // namespace

std::vector<fs::path> write_xdmf_sidecars(const fs::path& h5_path, const DatasetLayout& layout,
                                          std::vector<long> samples) {
  const std::string data_file = h5_path.filename().string();
  const std::optional<GridForm> form = grid_form(data_file, layout);
  if (!form) return {};
  const std::vector<GridField> fields = grid_fields(layout, *form);
  if (fields.empty()) return {};  // nothing for ParaView to show

  const bool trajectory =
      std::any_of(fields.begin(), fields.end(), [](const GridField& field) { return field.n_times > 0; });
  const bool named = !samples.empty();
  if (!named) samples = default_samples(layout.n_samples, trajectory);
  for (long s : samples)
    FF_REQUIRE(s >= 0 && s < layout.n_samples, InputError, "{}: sample {} out of range (the file holds {})",
               h5_path.string(), s, layout.n_samples);
  const fs::path stem = h5_path.parent_path() / h5_path.stem();
  std::vector<fs::path> written;

  if (!trajectory) {
    const fs::path sidecar = named ? fs::path(stem.string() + "_samples.xdmf") : fs::path(stem.string() + ".xdmf");
    SidecarBuilder builder(layout, sidecar.filename().string() + ".h5");
    std::string steps;
    for (long s : samples) {
      std::string attributes;
      for (const GridField& field : fields) attributes += builder.attributes(field, s, std::nullopt);
      steps += step_grid(fmt::format("sample_{}", s), static_cast<double>(s), form->xml, attributes);
    }
    write_sidecar(sidecar, h5_path, builder.take_views(),
                  document(fmt::format("fieldforge sidecar for {}: the steps are samples", data_file), steps));
    return {sidecar};
  }

  std::uint64_t n_times = 0;
  for (const GridField& field : fields) n_times = std::max(n_times, field.n_times);
  const bool stored_times = layout.times.size() == n_times;
  for (long s : samples) {
    const fs::path sidecar =
        named ? fs::path(fmt::format("{}_sample{}.xdmf", stem.string(), s)) : fs::path(stem.string() + ".xdmf");
    SidecarBuilder builder(layout, sidecar.filename().string() + ".h5");
    std::string steps;
    for (std::uint64_t t = 0; t < n_times; ++t) {
      std::string attributes;
      for (const GridField& field : fields) {
        if (field.n_times == 0)
          attributes += builder.attributes(field, s, std::nullopt);  // an input: the same at every time
        else if (t < field.n_times)
          attributes += builder.attributes(field, s, t);
      }
      const double time = stored_times ? layout.times[t] : static_cast<double>(t);
      steps += step_grid(fmt::format("t_{}", t), time, form->xml, attributes);
    }
    const std::string what = stored_times ? "the steps are its /times" : "the steps are its stored steps";
    write_sidecar(sidecar, h5_path, builder.take_views(),
                  document(fmt::format("fieldforge sidecar for sample {} of {}: {}", s, data_file, what), steps));
    written.push_back(sidecar);
  }
  return written;
}

}  // namespace ff
