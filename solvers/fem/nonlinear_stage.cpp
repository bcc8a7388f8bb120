#include "solvers/fem/nonlinear_stage.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fem/nonlinear_poisson.hpp"
#include "solvers/fem/stage_mesh.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace ff::fem {

namespace {

// Logs one line per Newton iteration as it happens: the residual norm, its
// ratio to the previous one (linear convergence keeps it roughly constant,
// quadratic convergence drives it to zero with the residual) and
// |F_k| / |F_k-1|² (bounded under quadratic convergence, until round-off).
std::function<void(long, double)> iteration_logger(const std::string& stage) {
  auto previous = std::make_shared<double>(0.0);
  return [stage, previous](long k, double r) {
    if (k == 0)
      spdlog::info("{}: Newton {:2d}  |F| = {:.3e}", stage, k, r);
    else
      spdlog::info("{}: Newton {:2d}  |F| = {:.3e}  ratio {:.3e}  |F_k|/|F_k-1|^2 = {:.3e}", stage, k, r, r / *previous,
                   r / (*previous * *previous));
    *previous = r;
  };
}

}  // namespace

Schema NonlinearStage::schema() {
  Schema conductivity;
  conductivity.key("law", ValueKind::choice, "quadratic: k = k0 (1 + beta u^2); exponential: k = k0 exp(beta u)")
      .def("quadratic")
      .choices({"quadratic", "exponential"});
  conductivity.key("k0", ValueKind::number, "conductivity scale").def(1.0).greater_than(0);
  conductivity.key("beta", ValueKind::number, "strength of the nonlinearity (>= 0 for the quadratic law)").def(1.0);

  Schema s;
  s.map("mesh", box_schema("2 or 3", "[32, 32, 32]", true, "[1, 1, 1]"), "box mesh");
  s.key("degree", ValueKind::integer, "element degree: 1 (P1/Q1) or 2 (P2, simplices only)")
      .def(1)
      .at_least(1)
      .at_most(2);
  s.map("conductivity", conductivity, "the solution-dependent conductivity k(u)");
  s.key("source", ValueKind::number, "right-hand side f (constant)").def(1.0);
  s.key("boundary", ValueKind::number, "u on the whole boundary (constant)").def(0.0);
  s.map("newton", linear::newton_schema(), "Newton's method (PETSc SNES; options after -- override these)");
  s.map("petsc", linear::krylov_schema(linear::NewtonOptions{}.linear),
        "linear solver of each Newton step (PETSc options after -- override these)");
  s.key("dtype", ValueKind::choice, "storage precision of u")
      .def("float32")
      .choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "solution on the mesh and Newton history").def("nonlinear.h5");
  return s;
}

NonlinearStage::NonlinearStage(const StageConfig& config)
    : degree_(config.get<int>("degree")),
      law_(config.get<std::string>("conductivity.law")),
      k0_(config.get<double>("conductivity.k0")),
      beta_(config.get<double>("conductivity.beta")),
      source_(config.get<double>("source")),
      boundary_(config.get<double>("boundary")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      out_(config.output_path("out")) {
  box_ = read_box(config);
  FF_REQUIRE(degree_ == 1 || box_.simplex, InputError,
             "degree 2 needs simplices (mesh.simplex: true): Q2 is not implemented");
  FF_REQUIRE(law_ != "quadratic" || beta_ >= 0, InputError,
             "conductivity.beta: the quadratic law k0 (1 + beta u^2) needs beta >= 0 to stay positive, got {}", beta_);

  solver_.rtol = config.get<double>("newton.rtol");
  solver_.atol = config.get<double>("newton.atol");
  solver_.max_it = config.get<long>("newton.max_it");
  solver_.options = config.get<std::string>("newton.options");
  solver_.linear = read_krylov(config);
}

void NonlinearStage::run(const RunContext& context) {
  ScopedTimer timer("solve.nonlinear");
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, box_);

  NonlinearPoissonOptions options;
  options.degree = degree_;
  options.conductivity = {parse_conductivity_law(law_), k0_, beta_};
  options.solver = solver_;
  options.solver.monitor = iteration_logger(context.stage_name);
  NonlinearPoissonSolver solver(mesh, options);
  NonlinearPoissonData data;
  const double f = source_, g = boundary_;
  data.source = [f](const IntegrationPoint&) { return f; };
  data.boundary = [g](const double*) { return g; };
  const linear::NewtonResult& result = solver.solve(data);

  MeshInfo nodes = gather_mesh(solver.space());
  std::vector<double> u = gather_nodal_field(solver.space(), solver.solution());
  broadcast_from_root(nodes.nodes, MPI_DOUBLE, mesh.comm());
  broadcast_from_root(nodes.cells, MPI_LONG, mesh.comm());
  broadcast_from_root(u, MPI_DOUBLE, mesh.comm());
  const auto n_nodes = static_cast<std::uint64_t>(u.size());
  const auto n_residuals = static_cast<std::uint64_t>(result.residuals.size());

  DatasetLayout layout;
  layout.grid = mesh_grid(nodes, box_extent(box_));
  layout.mesh = std::move(nodes);
  const double newton_iterations = static_cast<double>(result.iterations);
  const double ksp_iterations = static_cast<double>(result.linear_iterations);
  layout.fields = {{"outputs/u",
                    {n_nodes},
                    dtype_,
                    {{"k0", k0_},
                     {"beta", beta_},
                     {"source", source_},
                     {"boundary", boundary_},
                     {"newton_iterations", newton_iterations},
                     {"ksp_iterations", ksp_iterations}}},
                   // Residual norms span many orders of magnitude: kept in double precision.
                   {"solver/residual_history",
                    {n_residuals},
                    DType::float64,
                    {{"newton_iterations", newton_iterations},
                     {"ksp_iterations", ksp_iterations},
                     {"rtol", solver_.rtol},
                     {"atol", solver_.atol}}}};
  layout.split_contiguous(1, 0);
  DatasetWriter writer(out_, layout, context.provenance());
  for_each_local_sample(writer, context, [&](long i) {
    writer.write_sample("outputs/u", i, u.data());
    writer.write_sample("solver/residual_history", i, result.residuals.data());
  });
  writer.commit();

  const auto [low, high] = std::minmax_element(u.begin(), u.end());
  spdlog::info(
      "{}: {} unknowns ({}{} on {} cells, {} law), {}: {} Newton iterations, {} {} iterations, u in [{:.6g}, {:.6g}]",
      context.stage_name, solver.space().global_size(), box_.simplex ? "P" : "Q", degree_, mesh.global_cells(), law_,
      result.reason, result.iterations, result.linear_iterations, solver_.linear.ksp_type, *low, *high);
  spdlog::info("{}: wrote {}", context.stage_name, out_.string());
}

}  // namespace ff::fem
