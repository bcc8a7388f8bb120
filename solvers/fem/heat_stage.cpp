#include "solvers/fem/heat_stage.hpp"

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/timer.hpp"
#include "solvers/fem/heat.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fem/stage_mesh.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

namespace ff::fem {

namespace {

namespace fs = std::filesystem;

// The keys of solve.heat, declared once (io/options.hpp).
struct SourceKeys {
  double value = 0.0;
  std::string profile = "constant";
  double rate = 1.0;
};

// One condition kind's map: its parts, its data list (values, fluxes or
// u_inf) and, for Robin, h.
struct ConditionText {
  std::string parts;
  std::vector<double> values{0.0};
  std::vector<double> h{1.0};
};

struct Settings {
  FileOrBoxKeys mesh;
  int degree = 1;
  double theta = 0.5;
  double dt = 0.01;
  long steps = 100;
  long store_every = 10;
  double conductivity = 1.0;
  double capacity = 1.0;
  double initial = 0.0;
  SourceKeys source;
  ConditionText dirichlet, neumann, robin;
  linear::KrylovOptions petsc;
  DType dtype = DType::float32;
  fs::path out = "heat.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  using C = ConditionText;
  OptionsSchema<SourceKeys> source;
  source.key("value", &SourceKeys::value, "f0: the source's amplitude (uniform in space)");
  source
      .choice("profile", &SourceKeys::profile, {"constant", "exponential", "sine"},
              "time profile: constant (f = f0), exponential (f = f0 exp(-rate t)) or sine (f = f0 sin(rate t))")
      .def("constant");
  source.key("rate", &SourceKeys::rate, "rate of the exponential and sine profiles");

  const std::string parts =
      " (box: left/right, bottom/top, front/back; Gmsh: the names of physical groups of dimension dim-1), separated "
      "by spaces or commas";
  const std::string per_part = ": one value for all the parts, or one per part";
  OptionsSchema<C> dirichlet;
  dirichlet
      .key("parts", &C::parts,
           "boundary parts where u = g, which must be listed: none by default (unlike solve.poisson, where none "
           "means the whole boundary)" +
               parts)
      .def("\"\"");
  dirichlet.key("values", &C::values, "g" + per_part).def("[0.0]");
  OptionsSchema<C> neumann;
  neumann.key("parts", &C::parts, "boundary parts where k du/dn = q" + parts).def("\"\"");
  neumann.key("fluxes", &C::values, "q, the heat flux into the body" + per_part).def("[0.0]");
  OptionsSchema<C> robin;
  robin.key("parts", &C::parts, "boundary parts where k du/dn = h (u_inf - u)" + parts).def("\"\"");
  robin.key("h", &C::h, "heat-transfer coefficient h > 0" + per_part).def("[1.0]").greater_than(0);
  robin.key("u_inf", &C::values, "ambient value u_inf" + per_part).def("[0.0]");

  OptionsSchema<S> o;
  o.map("mesh", &S::mesh, file_or_box_options(), "a Gmsh file, or a box mesh");
  o.key("degree", &S::degree, "Lagrange degree: 1 (P1/Q1) or 2 (P2, simplices)").at_least(1).at_most(2);
  o.key("theta", &S::theta,
        "theta-scheme: 0.5 Crank-Nicolson (2nd order), 1 backward Euler (1st order, "
        "damps every mode); below 0.5 stable only for small dt")
      .at_least(0)
      .at_most(1);
  o.key("dt", &S::dt, "time step").greater_than(0);
  o.key("steps", &S::steps, "number of time steps, from t = 0").at_least(1).smoke(4);
  o.key("store_every", &S::store_every, "store u every this many steps (must divide steps); t = 0 is stored too")
      .at_least(1)
      .smoke(1);
  o.key("conductivity", &S::conductivity, "k (constant)").greater_than(0);
  o.key("capacity", &S::capacity, "c, the heat capacity per volume (constant)").greater_than(0);
  o.key("initial", &S::initial, "u at t = 0 (constant; Dirichlet parts take their g)");
  o.map("source", &S::source, source, "the heat source f(t)");
  o.map("dirichlet", &S::dirichlet, dirichlet, "u = g on boundary parts");
  o.map("neumann", &S::neumann, neumann, "prescribed heat flux k du/dn = q on boundary parts");
  o.map("robin", &S::robin, robin,
        "Newton cooling k du/dn = h (u_inf - u) on boundary parts; parts with no condition are insulated");
  o.map("petsc", &S::petsc, linear::krylov_options(),
        "linear solver of every step (PETSc options after -- override these)");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision of u");
  o.file("out", &S::out, ValueKind::output_file, "the mesh dataset; its XDMF sidecar is written beside it");
  return o;
}

// The parts of one condition kind (`key` is "dirichlet", ...), checked against
// the mesh's part names when they are known (empty `known`: a Gmsh file made
// by an earlier stage, checked when the mesh is built), with its data lists
// (`value_key` names the data list, h is Robin's alone).
HeatConditionKeys read_condition(const ConditionText& text, const std::string& key, const std::string& value_key,
                                 const std::map<std::string, int>& known) {
  HeatConditionKeys condition;
  condition.parts = split_names(text.parts);
  condition.values = text.values;
  if (key == "robin") condition.h = text.h;
  check_part_names(key + ".parts", condition.parts, known);
  // The config arrives with defaults filled in (0, and h = 1), so a list that
  // differs from them was written in the case file; without parts it would
  // silently do nothing.
  auto check_given_with_parts = [&](const std::string& list, const std::vector<double>& values, double unset) {
    FF_REQUIRE(!condition.parts.empty() || values == std::vector<double>{unset}, InputError,
               "{}.{}: values given without parts: list the boundary parts in {}.parts (solve.heat applies a "
               "condition only on the parts listed)",
               key, list, key);
  };
  check_given_with_parts(value_key, condition.values, 0.0);
  if (key == "robin") check_given_with_parts("h", condition.h, 1.0);
  const std::size_t n = condition.parts.size();
  auto check_length = [&](const std::string& list, std::size_t size) {
    FF_REQUIRE(size == 1 || size == n || n == 0, InputError,
               "{}.{}: give one value, or one per part ({} parts), got {}", key, list, n, size);
  };
  check_length(value_key, condition.values.size());
  if (key == "robin") check_length("h", condition.h.size());
  return condition;
}

// Entry k of a list given once for all parts or once per part.
double entry(const std::vector<double>& list, std::size_t k) { return list.size() == 1 ? list.front() : list[k]; }

}  // namespace

Schema HeatStage::schema() { return options().schema(); }

HeatStage::HeatStage(const StageConfig& config) {
  const Settings s = options().read(config);
  degree_ = s.degree;
  theta_ = s.theta;
  dt_ = s.dt;
  steps_ = s.steps;
  store_every_ = s.store_every;
  conductivity_ = s.conductivity;
  capacity_ = s.capacity;
  initial_ = s.initial;
  source_ = s.source.value;
  source_rate_ = s.source.rate;
  source_profile_ = s.source.profile;
  dtype_ = s.dtype;
  output_ = s.out;
  mesh_ = mesh_keys(s.mesh);
  const std::map<std::string, int> parts = known_boundary_parts(mesh_);
  FF_REQUIRE(degree_ == 1 || mesh_.box.simplex || !mesh_.file.empty(), InputError,
             "degree: P2 needs a simplex mesh (mesh.simplex: true)");
  FF_REQUIRE(steps_ % store_every_ == 0, InputError, "store_every: {} does not divide steps = {}", store_every_,
             steps_);

  dirichlet_ = read_condition(s.dirichlet, "dirichlet", "values", parts);
  neumann_ = read_condition(s.neumann, "neumann", "fluxes", parts);
  robin_ = read_condition(s.robin, "robin", "u_inf", parts);
  std::set<std::string> given;
  for (const auto* condition : {&dirichlet_, &neumann_, &robin_})
    for (const std::string& part : condition->parts)
      FF_REQUIRE(given.insert(part).second, InputError,
                 "boundary part '{}' is named twice in dirichlet/neumann/robin.parts: give each part one condition",
                 part);

  solver_ = s.petsc;
}

void HeatStage::run(const RunContext& context) {
  ScopedTimer timer("solve.heat");
  const Mesh mesh = open_mesh(mesh_, PETSC_COMM_WORLD);

  HeatOptions options;
  options.degree = degree_;
  options.theta = theta_;
  options.dt = dt_;
  options.solver = solver_;
  options.solver.prefix = linear::options_prefix(context.stage_name);
  HeatProblem problem;
  const double k = conductivity_, c = capacity_, u0 = initial_;
  problem.conductivity = [k](const IntegrationPoint&) { return k; };
  problem.capacity = [c](const IntegrationPoint&) { return c; };
  problem.initial = [u0](const double*) { return u0; };
  const double f0 = source_, rate = source_rate_;
  if (source_profile_ == "exponential")
    problem.source = [f0, rate](const double*, double t) { return f0 * std::exp(-rate * t); };
  else if (source_profile_ == "sine")
    problem.source = [f0, rate](const double*, double t) { return f0 * std::sin(rate * t); };
  else
    problem.source = [f0](const double*, double) { return f0; };
  auto add = [&](const HeatConditionKeys& keys, BoundaryKind kind) {
    for (std::size_t p = 0; p < keys.parts.size(); ++p) {
      const double value = entry(keys.values, p);
      problem.boundary.push_back({keys.parts[p], kind, [value](const double*, double) { return value; },
                                  kind == BoundaryKind::robin ? entry(keys.h, p) : 0.0});
    }
  };
  add(dirichlet_, BoundaryKind::dirichlet);
  add(neumann_, BoundaryKind::neumann);
  add(robin_, BoundaryKind::robin);

  HeatSolver solver(mesh, options, problem);
  const FeSpace& space = solver.space();

  DatasetLayout layout;
  layout.mesh = gather_mesh(space);
  share_mesh_shape(layout.mesh, PETSC_COMM_WORLD);
  const auto n_nodes = static_cast<std::uint64_t>(layout.mesh.nodes.size() / layout.mesh.dim);
  const long n_times = steps_ / store_every_ + 1;
  std::vector<double> stored, iterations;  // rank 0: [n_times * n_nodes]; every rank: [steps]
  auto store = [&] {
    const std::vector<double> u = gather_nodal_field(space, solver.solution());
    stored.insert(stored.end(), u.begin(), u.end());
    layout.times.push_back(solver.time());
  };
  store();
  Progress progress(context.stage_name + " steps", steps_, mpi_rank() == 0);
  ScopedTimer steps_timer("heat.steps");
  for (long n = 1; n <= steps_; ++n) {
    iterations.push_back(static_cast<double>(solver.step().iterations));
    if (n % store_every_ == 0) store();
    progress.advance();
  }
  progress.finish();
  const double step_seconds = steps_timer.elapsed();

  layout.grid = mesh_grid(layout.mesh, gathered_extent(layout.mesh, PETSC_COMM_WORLD));
  const double mean_iterations = std::accumulate(iterations.begin(), iterations.end(), 0.0) / steps_;
  layout.fields = {{"outputs/u",
                    {static_cast<std::uint64_t>(n_times), n_nodes},
                    dtype_,
                    {{"theta", theta_},
                     {"dt", dt_},
                     {"degree", double(degree_)},
                     {"conductivity", conductivity_},
                     {"capacity", capacity_},
                     {"unknowns", double(space.global_size())}}},
                   {"outputs/krylov_iterations",
                    {static_cast<std::uint64_t>(steps_)},
                    DType::float64,
                    {{"rtol", solver_.rtol}, {"mean", mean_iterations}}}};
  layout.split_contiguous(1, 0);
  DatasetWriter writer(output_, layout, context.provenance());
  if (writer.local_samples().size() > 0) {
    writer.write_sample("outputs/u", 0, stored.data());
    writer.write_sample("outputs/krylov_iterations", 0, iterations.data());
  }
  writer.commit();

  const long n_cells = static_cast<long>(layout.mesh.cells.size()) / layout.mesh.nodes_per_cell;
  spdlog::info(
      "{}: {} {} cells, {} unknowns ({}), theta = {:g}, {} steps of {:g} to t = {:g}: {:.1f} Krylov "
      "iterations per step (max {:g}), {:.3f} s",
      context.stage_name, n_cells, layout.mesh.cell_type, space.global_size(), space.element().name(), theta_, steps_,
      dt_, solver.time(), mean_iterations, *std::max_element(iterations.begin(), iterations.end()), step_seconds);
  spdlog::info("{}: wrote {} ({} times; open {} in ParaView)", context.stage_name, output_.string(), n_times,
               fs::path(output_).replace_extension(".xdmf").string());
}

}  // namespace ff::fem
