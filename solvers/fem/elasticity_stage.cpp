#include "solvers/fem/elasticity_stage.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fem/elasticity.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fem/stage_mesh.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace ff::fem {

namespace {

const char* const kAxes = "xyz";

// Part names separated by spaces or commas; InputError for a name the box
// mesh lacks, checked before any mesh exists.
std::vector<std::string> parse_parts(const std::string& key, const std::string& text, int dim) {
  const std::map<std::string, int> sides = Mesh::box_boundary_parts(dim);
  const std::vector<std::string> parts = split_names(text);
  for (const std::string& name : parts) {
    if (sides.count(name)) continue;
    std::string known;
    for (const auto& [side, id] : sides) known += (known.empty() ? "" : ", ") + side;
    throw InputError(fmt::format("{}: unknown boundary part '{}'; a {}D box has: {}", key, name, dim, known));
  }
  return parts;
}

}  // namespace

Schema ElasticityStage::schema() {
  Schema material;
  material.key("E", ValueKind::number, "Young's modulus").def(1.0).greater_than(0);
  material.key("nu", ValueKind::number, "Poisson's ratio, in (-1, 0.5)").def(0.3).greater_than(-1);

  Schema boundary;
  const std::string parts = " (box sides left/right, bottom/top, front/back, separated by spaces or commas)";
  // No part is clamped by default: a default clamp would override the rollers
  // (fix_x, ...) a case file gives on the same part.
  boundary.key("clamped", ValueKind::string, "parts where u = 0" + parts).def("\"\"");
  for (int c = 0; c < 3; ++c)
    boundary
        .key(fmt::format("fix_{}", kAxes[c]), ValueKind::string,
             fmt::format("parts where u_{} = 0, the other components free (rollers, symmetry planes)", kAxes[c]))
        .def("\"\"");
  boundary.key("displaced", ValueKind::string, "parts where u = displacement").def("\"\"");
  boundary.key("displacement", ValueKind::number_list, "prescribed displacement on the displaced parts")
      .def("[0, 0, 0]");
  boundary.key("loaded", ValueKind::string, "parts where the traction sigma n = traction acts")
      .def("\"\"");
  boundary.key("traction", ValueKind::number_list, "force per unit area on the loaded parts")
      .def("[0, 0, 0]");

  Schema s;
  s.map("mesh", box_schema("2 (plane strain) or 3", "[40, 8, 8]", false, "[5, 1, 1]"), "box mesh");
  s.key("degree", ValueKind::integer, "element degree: 1 (P1/Q1) or 2 (P2, simplices only)")
      .def(1)
      .at_least(1)
      .at_most(2);
  s.map("material", material, "isotropic linear elastic material");
  s.key("body_force", ValueKind::number_list, "force per unit volume, e.g. density x gravity")
      .def("[0, -1, 0]");
  s.map("boundary", boundary, "boundary conditions by part; the rest of the boundary is traction-free");
  s.map("petsc", linear::krylov_schema(), "linear solver (PETSc options after -- override these)");
  s.key("dtype", ValueKind::choice, "storage precision").def("float32").choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "displacement on the mesh").def("elasticity.h5");
  return s;
}

ElasticityStage::ElasticityStage(const StageConfig& config)
    : degree_(config.get<int>("degree")),
      young_(config.get<double>("material.E")),
      poisson_(config.get<double>("material.nu")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      out_(config.output_path("out")) {
  box_ = read_box(config);
  const int dim = box_.dim;
  FF_REQUIRE(degree_ == 1 || box_.simplex, InputError,
             "degree 2 needs simplices (mesh.simplex: true): Q2 is not implemented");
  try {
    lame_from_young(young_, poisson_);  // checks the range of nu
  } catch (const InputError& e) {
    throw InputError(fmt::format("material: {}", e.what()));
  }
  body_force_ = axis_vector(config, "body_force", dim);

  clamped_ = parse_parts("boundary.clamped", config.get<std::string>("boundary.clamped"), dim);
  for (int c = 0; c < 3; ++c) {
    const std::string key = fmt::format("boundary.fix_{}", kAxes[c]);
    fixed_component_[c] = parse_parts(key, config.get<std::string>(key), dim);
    FF_REQUIRE(c < dim || fixed_component_[c].empty(), InputError, "{}: a {}D displacement has no {} component", key,
               dim, kAxes[c]);
  }
  displaced_ = parse_parts("boundary.displaced", config.get<std::string>("boundary.displaced"), dim);
  displacement_ = axis_vector(config, "boundary.displacement", dim);
  loaded_ = parse_parts("boundary.loaded", config.get<std::string>("boundary.loaded"), dim);
  traction_ = axis_vector(config, "boundary.traction", dim);
  bool held = !clamped_.empty() || !displaced_.empty();
  for (const auto& parts : fixed_component_) held = held || !parts.empty();
  FF_REQUIRE(held, InputError, "boundary: clamp, displace or fix some part: without it, rigid motions are free");

  solver_ = read_krylov(config);
}

void ElasticityStage::run(const RunContext& context) {
  ScopedTimer timer("solve.elasticity");
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, box_);
  const int dim = box_.dim;

  ElasticityOptions options;
  options.degree = degree_;
  options.material = lame_from_young(young_, poisson_);
  const std::array<double, 3> f = body_force_, g = displacement_, t = traction_;
  options.body_force = [f](const IntegrationPoint&, double* value) { std::copy(f.begin(), f.end(), value); };
  for (const auto& part : clamped_) options.displacement.push_back({part, -1});
  for (int c = 0; c < dim; ++c)
    for (const auto& part : fixed_component_[c]) options.displacement.push_back({part, c});
  for (const auto& part : displaced_)
    options.displacement.push_back({part, -1, [g](const double*, double* u) { std::copy(g.begin(), g.end(), u); }});
  for (const auto& part : loaded_)
    options.traction.push_back({part, [t](const FacetPoint&, double* value) { std::copy(t.begin(), t.end(), value); }});
  options.solver = solver_;

  ElasticitySolver solver(mesh, options);
  const linear::KrylovResult& result = solver.solve();

  MeshInfo nodes = gather_mesh(solver.space());
  std::vector<double> u = gather_nodal_field(solver.space(), solver.solution());
  broadcast_from_root(nodes.nodes, MPI_DOUBLE, mesh.comm());
  broadcast_from_root(nodes.cells, MPI_LONG, mesh.comm());
  broadcast_from_root(u, MPI_DOUBLE, mesh.comm());

  DatasetLayout layout;
  layout.grid = mesh_grid(nodes, box_extent(box_));
  layout.mesh = std::move(nodes);
  const auto n_nodes = static_cast<std::uint64_t>(layout.grid.shape.front());
  FieldSpec field{"outputs/u", {static_cast<std::uint64_t>(dim), n_nodes}, dtype_, {{"E", young_}, {"nu", poisson_}}};
  field.components = dim;
  layout.fields = {field};
  layout.split_contiguous(1, 0);
  DatasetWriter writer(out_, layout, context.provenance());
  for_each_local_sample(writer, context, [&](long i) { writer.write_sample("outputs/u", i, u.data()); });
  writer.commit();

  double largest = 0;  // the largest displacement magnitude at a node
  for (std::uint64_t node = 0; node < n_nodes; ++node) {
    double squared = 0;
    for (int c = 0; c < dim; ++c) squared += u[c * n_nodes + node] * u[c * n_nodes + node];
    largest = std::max(largest, std::sqrt(squared));
  }
  spdlog::info("{}: {} unknowns ({}{} on {} cells), {} {} iterations, max |u| = {:.6g}", context.stage_name,
               solver.space().global_size(), box_.simplex ? "P" : "Q", degree_, mesh.global_cells(), result.iterations,
               solver_.ksp_type, largest);
  spdlog::info("{}: wrote {}", context.stage_name, out_.string());
}

}  // namespace ff::fem
