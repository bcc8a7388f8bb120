#include "solvers/linear/dcdm/poisson_obstacles_stage.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/timer.hpp"
#include "io/dataset_writer.hpp"
#include "io/options.hpp"
#include "operators/dcdm/dcdm_model.hpp"
#include "operators/dcdm/dcdm_solver.hpp"
#include "operators/training/device.hpp"
#include "solvers/linear/dcdm/dcdm_pc.hpp"
#include "solvers/linear/dcdm/pressure_matrix.hpp"
#include "solvers/linear/krylov.hpp"
#include "solvers/linear/krylov_options.hpp"
#include "solvers/linear/petsc_check.hpp"
#include "solvers/obstacles/divergence_source.hpp"
#include "solvers/obstacles/obstacle_problem.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>

namespace ff::linear {

enum class ObstacleSolver { petsc, dcdm, cg };

struct PoissonObstaclesStage::Settings {
  obstacles::ObstacleProblem problem;
  std::vector<long> layouts{1};
  obstacles::DivergenceSource rhs;
  ObstacleSolver method = ObstacleSolver::petsc;
  KrylovOptions petsc;
  operators::DcdmOptions dcdm;
  std::filesystem::path model;
  std::string device = "cpu";
  bool require_convergence = true;
  std::filesystem::path out = "pressure.h5", history = "residuals.csv";
};

namespace {

KrylovOptions default_krylov() {
  KrylovOptions k;
  k.ksp_type = "cg";
  k.pc_type = "icc";
  k.rtol = 1e-6;
  // Every method stops on the same measure, ‖b − Ax‖ ≤ rtol ‖b‖.
  k.options = "-ksp_norm_type unpreconditioned";
  return k;
}

OptionsSchema<PoissonObstaclesStage::Settings> options() {
  using S = PoissonObstaclesStage::Settings;
  OptionsSchema<obstacles::DivergenceSource> rhs;
  rhs.key("modes", &obstacles::DivergenceSource::modes, "random Fourier modes per velocity component").at_least(1);
  rhs.key("max_wavenumber", &obstacles::DivergenceSource::max_wavenumber, "largest wavenumber per axis").at_least(1);
  OptionsSchema<operators::DcdmOptions> dcdm;
  dcdm.key("rtol", &operators::DcdmOptions::rtol, "stop at |b - Ax| <= rtol |b|").greater_than(0).at_most(1);
  dcdm.key("max_iterations", &operators::DcdmOptions::max_iterations, "iteration limit").at_least(1);
  dcdm.key("directions", &operators::DcdmOptions::directions,
           "previous directions each new one is A-orthogonalized against")
      .at_least(0);
  dcdm.key("with_residual", &operators::DcdmOptions::with_residual,
           "method dcdm: search over span{f(r), r} each step, never worse than steepest descent (not in the paper)");

  OptionsSchema<S> o;
  o.map("problem", &S::problem, obstacles::obstacle_problem_options(), "grid, boundary and obstacles");
  o.key("layouts", &S::layouts, "random obstacle layouts to solve on, one solve each (train.dcdm uses layout 0)")
      .at_least(0);
  o.map("rhs", &S::rhs, rhs, "b = -h div u of a random smooth velocity u");
  o.choice("method", &S::method,
           {{"petsc", ObstacleSolver::petsc}, {"dcdm", ObstacleSolver::dcdm}, {"cg", ObstacleSolver::cg}},
           "petsc (the petsc map), dcdm (LibTorch DCDM with model) or cg (LibTorch CG)");
  o.map("petsc", &S::petsc, krylov_options(default_krylov()),
        "method petsc: the KSP and PC (pc_type dcdm needs -pc_dcdm_model in options)");
  o.map("dcdm", &S::dcdm, dcdm, "methods dcdm and cg");
  o.file("model", &S::model, ValueKind::input_file, "method dcdm: a train.dcdm checkpoint");
  o.key("device", &S::device, "methods dcdm and cg: cpu, cuda or cuda:N");
  o.key("require_convergence", &S::require_convergence,
        "methods dcdm and cg: a solve that stops at max_iterations is an error (false: record it and go on)");
  o.file("out", &S::out, ValueKind::output_file, "pressures, right-hand sides and solid flags per layout");
  o.file("history", &S::history, ValueKind::output_file, "relative residual per iteration: layout,iteration,residual");
  return o;
}

struct SolveRecord {
  long iterations = 0;
  double seconds = 0;
  double model_seconds = 0;     // method dcdm: inside the network
  long fallbacks = 0;           // method dcdm: steps that took the residual instead
  std::vector<double> history;  // relative residuals
};

// method petsc: the assembled matrix, distributed by rows over the ranks.
SolveRecord solve_with_petsc(const obstacles::PressureLaplacian& matrix, const std::vector<double>& b,
                             std::vector<double>& p, KrylovOptions krylov) {
  const PetscHandle<Mat, MatDestroy> A = assemble_pressure_matrix(matrix, PETSC_COMM_WORLD);
  PetscHandle<Vec, VecDestroy> rhs = distributed_vector(A, b), x;
  FF_PETSC(VecDuplicate(rhs, x.out()));

  KrylovSolver solver(PETSC_COMM_WORLD, std::move(krylov));
  solver.set_operator(A);
  solver.on_configured([&](KSP ksp) {
    PC pc = nullptr;
    FF_PETSC(KSPGetPC(ksp, &pc));
    PetscBool is_dcdm = PETSC_FALSE;
    FF_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), "dcdm", &is_dcdm));
    if (is_dcdm) set_dcdm_layout(pc, matrix.grid().shape(), matrix.cell_of_unknown());
  });
  const auto start = std::chrono::steady_clock::now();  // preconditioner setup and solve
  const KrylovResult result = solver.solve(rhs, x);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  p = gathered_values(x);  // on every rank, for the dataset

  SolveRecord record;
  record.iterations = result.iterations;
  record.seconds = seconds;
  const double b_norm = result.residual_history.empty() ? 1.0 : result.residual_history.front();
  for (double r : result.residual_history) record.history.push_back(r / b_norm);
  return record;
}

double relative_residual(const obstacles::PressureLaplacian& matrix, const std::vector<double>& b,
                         const std::vector<double>& p) {
  std::vector<double> Ap(b.size());
  matrix.apply(p.data(), Ap.data());
  double r2 = 0, b2 = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    r2 += (b[i] - Ap[i]) * (b[i] - Ap[i]);
    b2 += b[i] * b[i];
  }
  return std::sqrt(r2 / b2);
}

}  // namespace

Schema PoissonObstaclesStage::schema() { return options().schema(); }

PoissonObstaclesStage::PoissonObstaclesStage(const StageConfig& config)
    : settings_(std::make_unique<Settings>(options().read(config))) {
  const Settings& s = *settings_;
  FF_REQUIRE(!s.layouts.empty(), InputError, "layouts: give at least one layout");
  FF_REQUIRE(s.problem.obstacles.min_size <= s.problem.obstacles.max_size, InputError,
             "problem.obstacles: min_size {} exceeds max_size {}", s.problem.obstacles.min_size,
             s.problem.obstacles.max_size);
  FF_REQUIRE(s.method != ObstacleSolver::dcdm || !s.model.empty(), InputError,
             "model: method dcdm needs a train.dcdm checkpoint");
}

PoissonObstaclesStage::~PoissonObstaclesStage() = default;

void PoissonObstaclesStage::run(const RunContext& context) {
  ScopedTimer timer("solve.poisson_obstacles");
  const Settings& s = *settings_;
  const long layouts = static_cast<long>(s.layouts.size());

  operators::DcdmNetwork network;
  if (s.method == ObstacleSolver::dcdm) {
    require_device(s.device);
    network = operators::load_dcdm_network(s.model, s.device);
    FF_REQUIRE(network.dimension == s.problem.dim, InputError, "model: {} holds a {}D network, the problem is {}D",
               s.model.string(), network.dimension, s.problem.dim);
    FF_REQUIRE(s.problem.n % network.grid_divisor == 0, InputError,
               "model: the pooling levels of {} need problem.n divisible by {}, got {}", s.model.string(),
               network.grid_divisor, s.problem.n);
  }

  DatasetLayout layout;
  layout.grid.kind = "closed";  // cell centres, shown as points spaced h apart
  layout.grid.shape.assign(s.problem.dim, s.problem.n);
  layout.grid.extent.assign(s.problem.dim, static_cast<double>(s.problem.n - 1) / s.problem.n);
  const std::vector<std::uint64_t> shape(s.problem.dim, static_cast<std::uint64_t>(s.problem.n));
  auto field = [](std::string path, std::vector<std::uint64_t> sample_shape, DType dtype) {
    FieldSpec spec;
    spec.path = std::move(path);
    spec.sample_shape = std::move(sample_shape);
    spec.dtype = dtype;
    return spec;
  };
  layout.fields = {field("inputs/solid", shape, DType::float32),
                   field("inputs/b", shape, DType::float64),
                   field("outputs/p", shape, DType::float64),
                   field("params/layout", {}, DType::float32),
                   field("params/iterations", {}, DType::float32),
                   field("params/seconds", {}, DType::float64),
                   field("params/network_seconds", {}, DType::float64),
                   field("params/fallbacks", {}, DType::float32),
                   field("params/relative_residual", {}, DType::float64)};
  layout.split_contiguous(0, layouts);
  DatasetWriter writer(s.out, layout, context.provenance());
  // Every rank solves every layout (the matrix is distributed for method
  // petsc, replicated otherwise) and writes its own block of them.
  const SampleRange mine = writer.local_samples();
  std::ofstream history;
  if (mpi_rank() == 0) {
    history.open(s.history, std::ios::trunc);
    history << "layout,iteration,relative_residual\n";
  }

  for (long k = 0; k < layouts; ++k) {
    const long id = s.layouts[k];
    const obstacles::PressureLaplacian matrix(obstacles::obstacle_cells(s.problem, context.seed, id),
                                              s.problem.boundary);
    const std::vector<double> b =
        obstacles::divergence_rhs(matrix, s.rhs, context.seed, static_cast<std::uint64_t>(id));
    std::vector<double> p;
    SolveRecord record;
    if (s.method == ObstacleSolver::petsc) {
      KrylovOptions krylov = s.petsc;
      krylov.prefix = options_prefix(context.stage_name);
      record = solve_with_petsc(matrix, b, p, krylov);
    } else {
      const operators::GridLaplacian A(matrix, torch::kFloat64, torch::Device(s.device));
      const torch::Tensor rhs = A.to_grid(b);
      torch::Tensor x = torch::zeros_like(rhs);
      const operators::DcdmResult result =
          s.method == ObstacleSolver::dcdm
              ? operators::dcdm_solve(A, rhs, x, operators::network_directions(network.module, A.fluid()), s.dcdm)
              : operators::conjugate_gradient(A, rhs, x, s.dcdm);
      if (!result.converged && !s.require_convergence)
        spdlog::warn("{}: layout {}: stopped at {} iterations with relative residual {:.3e}", context.stage_name, id,
                     result.iterations, result.relative_residuals.back());
      FF_REQUIRE(result.converged || !s.require_convergence, RunError,
                 "{}: layout {}: {} did not reach rtol {:g} in {} iterations (relative residual {:.3e})",
                 context.stage_name, id, s.method == ObstacleSolver::dcdm ? "DCDM" : "CG", s.dcdm.rtol,
                 result.iterations, result.relative_residuals.back());
      p = A.to_unknowns(x);
      record.iterations = result.iterations;
      record.seconds = result.seconds;
      record.model_seconds = result.model_seconds;
      record.fallbacks = result.fallbacks;
      record.history = result.relative_residuals;
    }
    const double residual = relative_residual(matrix, b, p);
    spdlog::info("{}: layout {} ({} unknowns): {} iterations{}, {:.3f} s, relative residual {:.3e}", context.stage_name,
                 id, matrix.size(), record.iterations,
                 record.fallbacks > 0 ? fmt::format(" ({} took the residual)", record.fallbacks) : std::string(),
                 record.seconds, residual);
    if (mpi_rank() == 0)
      for (std::size_t i = 0; i < record.history.size(); ++i)
        history << id << ',' << i << ',' << fmt::format("{:.6e}", record.history[i]) << '\n';
    if (k < mine.begin || k >= mine.end) continue;
    std::vector<double> solid(matrix.grid().cells());
    for (long cell = 0; cell < matrix.grid().cells(); ++cell) solid[cell] = matrix.grid().solid(cell) ? 1.0 : 0.0;
    const std::vector<double> b_cells = matrix.to_cells(b), p_cells = matrix.to_cells(p);
    const double scalars[] = {static_cast<double>(id), static_cast<double>(record.iterations), record.seconds, residual,
                              record.model_seconds,    static_cast<double>(record.fallbacks)};
    writer.write_sample("inputs/solid", k, solid.data());
    writer.write_sample("inputs/b", k, b_cells.data());
    writer.write_sample("outputs/p", k, p_cells.data());
    writer.write_sample("params/layout", k, &scalars[0]);
    writer.write_sample("params/iterations", k, &scalars[1]);
    writer.write_sample("params/seconds", k, &scalars[2]);
    writer.write_sample("params/relative_residual", k, &scalars[3]);
    writer.write_sample("params/network_seconds", k, &scalars[4]);
    writer.write_sample("params/fallbacks", k, &scalars[5]);
  }
  writer.commit();
}

}  // namespace ff::linear
