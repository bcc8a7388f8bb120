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

// The parts of one condition kind (`key` is "dirichlet", ...), checked against
// the mesh's part names when they are known (empty `known`: a Gmsh file made
// by an earlier stage, checked when the mesh is built), with its data lists.
HeatConditionKeys read_condition(const StageConfig& config, const std::string& key, const std::string& value_key,
                                 const std::map<std::string, int>& known) {
  HeatConditionKeys condition;
  condition.parts = split_names(config.get<std::string>(key + ".parts"));
  condition.values = config.numbers(key + "." + value_key);
  if (key == "robin") condition.h = config.numbers("robin.h");
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

Schema HeatStage::schema() {
  Schema source;
  source.key("value", ValueKind::number, "f0: the source's amplitude (uniform in space)").def(0.0);
  source.key("profile", ValueKind::choice,
             "time profile: constant (f = f0), exponential (f = f0 exp(-rate t)) or sine (f = f0 sin(rate t))")
      .def("constant")
      .choices({"constant", "exponential", "sine"});
  source.key("rate", ValueKind::number, "rate of the exponential and sine profiles").def(1.0);

  const std::string parts =
      " (box: left/right, bottom/top, front/back; Gmsh: the names of physical groups of dimension dim-1), separated "
      "by spaces or commas";
  const std::string per_part = ": one value for all the parts, or one per part";
  Schema dirichlet;
  dirichlet.key("parts", ValueKind::string,
                "boundary parts where u = g, which must be listed: none by default (unlike solve.poisson, where none "
                "means the whole boundary)" + parts)
      .def("\"\"");
  dirichlet.key("values", ValueKind::number_list, "g" + per_part).def("[0.0]");
  Schema neumann;
  neumann.key("parts", ValueKind::string, "boundary parts where k du/dn = q" + parts).def("\"\"");
  neumann.key("fluxes", ValueKind::number_list, "q, the heat flux into the body" + per_part).def("[0.0]");
  Schema robin;
  robin.key("parts", ValueKind::string, "boundary parts where k du/dn = h (u_inf - u)" + parts).def("\"\"");
  robin.key("h", ValueKind::number_list, "heat-transfer coefficient h > 0" + per_part)
      .def("[1.0]")
      .greater_than(0);
  robin.key("u_inf", ValueKind::number_list, "ambient value u_inf" + per_part).def("[0.0]");

  Schema s;
  s.map("mesh", file_or_box_schema(), "a Gmsh file, or a box mesh");
  s.key("degree", ValueKind::integer, "Lagrange degree: 1 (P1/Q1) or 2 (P2, simplices)").def(1).at_least(1).at_most(2);
  s.key("theta", ValueKind::number, "theta-scheme: 0.5 Crank-Nicolson (2nd order), 1 backward Euler (1st order, "
        "damps every mode); below 0.5 stable only for small dt")
      .def(0.5)
      .at_least(0)
      .at_most(1);
  s.key("dt", ValueKind::number, "time step").def(0.01).greater_than(0);
  s.key("steps", ValueKind::integer, "number of time steps, from t = 0").def(100).at_least(1).smoke(4);
  s.key("store_every", ValueKind::integer, "store u every this many steps (must divide steps); t = 0 is stored too")
      .def(10)
      .at_least(1)
      .smoke(1);
  s.key("conductivity", ValueKind::number, "k (constant)").def(1.0).greater_than(0);
  s.key("capacity", ValueKind::number, "c, the heat capacity per volume (constant)").def(1.0).greater_than(0);
  s.key("initial", ValueKind::number, "u at t = 0 (constant; Dirichlet parts take their g)").def(0.0);
  s.map("source", source, "the heat source f(t)");
  s.map("dirichlet", dirichlet, "u = g on boundary parts");
  s.map("neumann", neumann, "prescribed heat flux k du/dn = q on boundary parts");
  s.map("robin", robin, "Newton cooling k du/dn = h (u_inf - u) on boundary parts; parts with no condition are insulated");
  s.map("petsc", linear::krylov_schema(), "linear solver of every step (PETSc options after -- override these)");
  s.key("dtype", ValueKind::choice, "storage precision of u").def("float32").choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "the mesh dataset; its XDMF sidecar is written beside it").def("heat.h5");
  return s;
}

HeatStage::HeatStage(const StageConfig& config)
    : degree_(config.get<int>("degree")),
      theta_(config.get<double>("theta")),
      dt_(config.get<double>("dt")),
      steps_(config.get<long>("steps")),
      store_every_(config.get<long>("store_every")),
      conductivity_(config.get<double>("conductivity")),
      capacity_(config.get<double>("capacity")),
      initial_(config.get<double>("initial")),
      source_(config.get<double>("source.value")),
      source_rate_(config.get<double>("source.rate")),
      source_profile_(config.get<std::string>("source.profile")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      output_(config.output_path("out")) {
  mesh_ = read_file_or_box(config);
  const std::map<std::string, int> parts = known_boundary_parts(mesh_);
  FF_REQUIRE(degree_ == 1 || mesh_.box.simplex || config.has("mesh.file"), InputError,
             "degree: P2 needs a simplex mesh (mesh.simplex: true)");
  FF_REQUIRE(steps_ % store_every_ == 0, InputError, "store_every: {} does not divide steps = {}", store_every_, steps_);

  dirichlet_ = read_condition(config, "dirichlet", "values", parts);
  neumann_ = read_condition(config, "neumann", "fluxes", parts);
  robin_ = read_condition(config, "robin", "u_inf", parts);
  std::set<std::string> given;
  for (const auto* condition : {&dirichlet_, &neumann_, &robin_})
    for (const std::string& part : condition->parts)
      FF_REQUIRE(given.insert(part).second, InputError,
                 "boundary part '{}' is named twice in dirichlet/neumann/robin.parts: give each part one condition", part);

  solver_ = read_krylov(config);
}

void HeatStage::run(const RunContext& context) {
  ScopedTimer timer("solve.heat");
  const Mesh mesh = open_mesh(mesh_, PETSC_COMM_WORLD);

  HeatOptions options;
  options.degree = degree_;
  options.theta = theta_;
  options.dt = dt_;
  options.solver = solver_;
  HeatProblem problem;
  const double k = conductivity_, c = capacity_, u0 = initial_;
  problem.conductivity = [k](const IntegrationPoint&) { return k; };
  problem.capacity = [c](const IntegrationPoint&) { return c; };
  problem.initial = [u0](const double*) { return u0; };
  const double f0 = source_, rate = source_rate_;
  if (source_profile_ == "exponential") problem.source = [f0, rate](const double*, double t) { return f0 * std::exp(-rate * t); };
  else if (source_profile_ == "sine") problem.source = [f0, rate](const double*, double t) { return f0 * std::sin(rate * t); };
  else problem.source = [f0](const double*, double) { return f0; };
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
  spdlog::info("{}: {} {} cells, {} unknowns ({}), theta = {:g}, {} steps of {:g} to t = {:g}: {:.1f} Krylov "
               "iterations per step (max {:g}), {:.3f} s",
               context.stage_name, n_cells, layout.mesh.cell_type, space.global_size(), space.element().name(), theta_,
               steps_, dt_, solver.time(), mean_iterations, *std::max_element(iterations.begin(), iterations.end()),
               step_seconds);
  spdlog::info("{}: wrote {} ({} times; open {} in ParaView)", context.stage_name, output_.string(), n_times,
               fs::path(output_).replace_extension(".xdmf").string());
}

}  // namespace ff::fem
