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

// The keys of solve.nonlinear, declared once (io/options.hpp).
struct ConductivityKeys {
  std::string law = "quadratic";
  double k0 = 1.0;
  double beta = 1.0;
};

struct Settings {
  BoxKeys mesh;
  int degree = 1;
  ConductivityKeys conductivity;
  double source = 1.0;
  double boundary = 0.0;
  linear::NewtonOptions newton;  // its `linear` is the `petsc` map
  linear::KrylovOptions petsc = linear::NewtonOptions{}.linear;
  DType dtype = DType::float32;
  std::filesystem::path out = "nonlinear.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<ConductivityKeys> conductivity;
  conductivity
      .choice("law", &ConductivityKeys::law, {"quadratic", "exponential"},
              "quadratic: k = k0 (1 + beta u^2); exponential: k = k0 exp(beta u)")
      .def("quadratic");
  conductivity.key("k0", &ConductivityKeys::k0, "conductivity scale").greater_than(0);
  conductivity.key("beta", &ConductivityKeys::beta, "strength of the nonlinearity (>= 0 for the quadratic law)");

  OptionsSchema<S> o;
  o.map("mesh", &S::mesh, box_options("2 or 3", "[32, 32, 32]", true, "[1, 1, 1]"), "box mesh");
  o.key("degree", &S::degree, "element degree: 1 (P1/Q1) or 2 (P2, simplices only)").at_least(1).at_most(2);
  o.map("conductivity", &S::conductivity, conductivity, "the solution-dependent conductivity k(u)");
  o.key("source", &S::source, "right-hand side f (constant)");
  o.key("boundary", &S::boundary, "u on the whole boundary (constant)");
  o.map("newton", &S::newton, linear::newton_options(),
        "Newton's method (PETSc SNES; options after -- override these)");
  o.map("petsc", &S::petsc, linear::krylov_options(linear::NewtonOptions{}.linear),
        "linear solver of each Newton step (PETSc options after -- override these)");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision of u");
  o.file("out", &S::out, ValueKind::output_file, "solution on the mesh and Newton history");
  return o;
}

}  // namespace

Schema NonlinearStage::schema() { return options().schema(); }

NonlinearStage::NonlinearStage(const StageConfig& config) {
  const Settings s = options().read(config);
  degree_ = s.degree;
  law_ = s.conductivity.law;
  k0_ = s.conductivity.k0;
  beta_ = s.conductivity.beta;
  source_ = s.source;
  boundary_ = s.boundary;
  dtype_ = s.dtype;
  out_ = s.out;
  box_ = box_mesh(s.mesh);
  FF_REQUIRE(degree_ == 1 || box_.simplex, InputError,
             "degree 2 needs simplices (mesh.simplex: true): Q2 is not implemented");
  FF_REQUIRE(law_ != "quadratic" || beta_ >= 0, InputError,
             "conductivity.beta: the quadratic law k0 (1 + beta u^2) needs beta >= 0 to stay positive, got {}", beta_);

  solver_ = s.newton;
  solver_.linear = s.petsc;
}

void NonlinearStage::run(const RunContext& context) {
  ScopedTimer timer("solve.nonlinear");
  const Mesh mesh = Mesh::box(PETSC_COMM_WORLD, box_);

  NonlinearPoissonOptions options;
  options.degree = degree_;
  options.conductivity = {parse_conductivity_law(law_), k0_, beta_};
  options.solver = solver_;
  options.solver.prefix = linear::options_prefix(context.stage_name);
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
