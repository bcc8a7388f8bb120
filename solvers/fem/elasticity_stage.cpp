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

// The keys of solve.elasticity, declared once (io/options.hpp).
struct MaterialKeys {
  double E = 1.0;
  double nu = 0.3;
};

// Part names as written (separated by spaces or commas), and the data of the
// displaced and loaded parts.
struct BoundaryKeys {
  std::string clamped;
  std::string fix_x, fix_y, fix_z;
  std::string displaced;
  std::vector<double> displacement{0, 0, 0};
  std::string loaded;
  std::vector<double> traction{0, 0, 0};
};

// The parts whose component c (x, y, z) is fixed.
std::string BoundaryKeys::*const kFixed[3] = {&BoundaryKeys::fix_x, &BoundaryKeys::fix_y, &BoundaryKeys::fix_z};

struct Settings {
  BoxKeys mesh;
  int degree = 1;
  MaterialKeys material;
  std::vector<double> body_force{0, -1, 0};
  BoundaryKeys boundary;
  linear::KrylovOptions petsc;
  DType dtype = DType::float32;
  std::filesystem::path out = "elasticity.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  using B = BoundaryKeys;
  OptionsSchema<MaterialKeys> material;
  material.key("E", &MaterialKeys::E, "Young's modulus").greater_than(0);
  material.key("nu", &MaterialKeys::nu, "Poisson's ratio, in (-1, 0.5)").greater_than(-1);

  OptionsSchema<B> boundary;
  const std::string parts = " (box sides left/right, bottom/top, front/back, separated by spaces or commas)";
  // No part is clamped by default: a default clamp would override the rollers
  // (fix_x, ...) a case file gives on the same part.
  boundary.key("clamped", &B::clamped, "parts where u = 0" + parts).def("\"\"");
  for (int c = 0; c < 3; ++c)
    boundary
        .key(fmt::format("fix_{}", kAxes[c]), kFixed[c],
             fmt::format("parts where u_{} = 0, the other components free (rollers, symmetry planes)", kAxes[c]))
        .def("\"\"");
  boundary.key("displaced", &B::displaced, "parts where u = displacement").def("\"\"");
  boundary.key("displacement", &B::displacement, "prescribed displacement on the displaced parts").def("[0, 0, 0]");
  boundary.key("loaded", &B::loaded, "parts where the traction sigma n = traction acts").def("\"\"");
  boundary.key("traction", &B::traction, "force per unit area on the loaded parts").def("[0, 0, 0]");

  OptionsSchema<S> o;
  o.map("mesh", &S::mesh, box_options("2 (plane strain) or 3", "[40, 8, 8]", false, "[5, 1, 1]"), "box mesh");
  o.key("degree", &S::degree, "element degree: 1 (P1/Q1) or 2 (P2, simplices only)").at_least(1).at_most(2);
  o.map("material", &S::material, material, "isotropic linear elastic material");
  o.key("body_force", &S::body_force, "force per unit volume, e.g. density x gravity").def("[0, -1, 0]");
  o.map("boundary", &S::boundary, boundary, "boundary conditions by part; the rest of the boundary is traction-free");
  o.map("petsc", &S::petsc, linear::krylov_options(), "linear solver (PETSc options after -- override these)");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file, "displacement on the mesh");
  return o;
}

}  // namespace

Schema ElasticityStage::schema() { return options().schema(); }

ElasticityStage::ElasticityStage(const StageConfig& config) {
  const Settings s = options().read(config);
  degree_ = s.degree;
  young_ = s.material.E;
  poisson_ = s.material.nu;
  dtype_ = s.dtype;
  out_ = s.out;
  box_ = box_mesh(s.mesh);
  const int dim = box_.dim;
  FF_REQUIRE(degree_ == 1 || box_.simplex, InputError,
             "degree 2 needs simplices (mesh.simplex: true): Q2 is not implemented");
  try {
    lame_from_young(young_, poisson_);  // checks the range of nu
  } catch (const InputError& e) {
    throw InputError(fmt::format("material: {}", e.what()));
  }
  body_force_ = axis_vector(s.body_force, "body_force", dim);

  const BoundaryKeys& b = s.boundary;
  clamped_ = parse_parts("boundary.clamped", b.clamped, dim);
  for (int c = 0; c < 3; ++c) {
    const std::string key = fmt::format("boundary.fix_{}", kAxes[c]);
    fixed_component_[c] = parse_parts(key, b.*kFixed[c], dim);
    FF_REQUIRE(c < dim || fixed_component_[c].empty(), InputError, "{}: a {}D displacement has no {} component", key,
               dim, kAxes[c]);
  }
  displaced_ = parse_parts("boundary.displaced", b.displaced, dim);
  displacement_ = axis_vector(b.displacement, "boundary.displacement", dim);
  loaded_ = parse_parts("boundary.loaded", b.loaded, dim);
  traction_ = axis_vector(b.traction, "boundary.traction", dim);
  bool held = !clamped_.empty() || !displaced_.empty();
  for (const auto& parts : fixed_component_) held = held || !parts.empty();
  FF_REQUIRE(held, InputError, "boundary: clamp, displace or fix some part: without it, rigid motions are free");

  solver_ = s.petsc;
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
  options.solver.prefix = linear::options_prefix(context.stage_name);

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
