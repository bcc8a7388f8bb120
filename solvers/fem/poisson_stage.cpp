#include "solvers/fem/poisson_stage.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fem/poisson.hpp"
#include "solvers/fem/stage_mesh.hpp"
#include "solvers/fourier/covariance_options.hpp"
#include "solvers/fourier/plan_sharing.hpp"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace ff::fem {

namespace {

namespace fs = std::filesystem;

// Runs `make` under the timer `label` and stores its seconds.
template <class F>
auto timed(const char* label, double& seconds, F&& make) {
  ScopedTimer timer(label);
  auto result = make();
  seconds = timer.elapsed();
  return result;
}

// The keys of solve.poisson, declared once (io/options.hpp).
struct CoefficientKeys {
  spectral::GrfOptions covariance;  // put on the grid n^dim in the constructor
  CoefficientSource::Kind kind = CoefficientSource::Kind::constant;
  double value = 1.0;
  int n = 64;
  bool exponentiate = false;
  double high = 12.0;
  double low = 3.0;
  fs::path file;
  std::string field = "inputs/a";
  long sample = 0;
};

struct DirichletKeys {
  std::string parts;  // empty: the whole boundary
  std::vector<double> values{0.0};
};

struct Settings {
  FileOrBoxKeys mesh;
  int degree = 1;
  CoefficientKeys coefficient;
  double source = 1.0;
  DirichletKeys dirichlet;
  linear::KrylovOptions petsc;
  DType dtype = DType::float32;
  fs::path out = "poisson.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  using C = CoefficientKeys;
  using Kind = CoefficientSource::Kind;
  OptionsSchema<C> coefficient;
  coefficient.merge(&C::covariance, spectral::covariance_options(2.0, 3.0, 1.0));
  coefficient
      .choice("kind", &C::kind, {{"constant", Kind::constant}, {"grf", Kind::grf}, {"file", Kind::file}},
              "constant (value), grf (a random field) or file (a nodal field of a mesh dataset)")
      .def("constant");
  coefficient.key("value", &C::value, "constant: a").greater_than(0);
  coefficient.key("n", &C::n, "grf: grid points per axis of the periodic grid stretched over the mesh's bounding box")
      .at_least(4)
      .at_most(4096)
      .smoke(16);
  coefficient
      .choice("transform", &C::exponentiate, {{"threshold", false}, {"exp", true}},
              "grf: threshold (a = high where the GRF >= 0, low elsewhere) or exp (a = exp(GRF))")
      .def("threshold");
  coefficient.key("high", &C::high, "grf, threshold: a where the GRF is >= 0").greater_than(0);
  coefficient.key("low", &C::low, "grf, threshold: a where the GRF is < 0").greater_than(0);
  coefficient.file("file", &C::file, ValueKind::dataset_file,
                   "file: a mesh dataset on the same mesh (e.g. an earlier solve.poisson output)");
  coefficient.key("field", &C::field, "file: the nodal field, [n_samples, n_nodes]").def("inputs/a");
  coefficient.key("sample", &C::sample, "file: the sample to use").at_least(0);

  OptionsSchema<DirichletKeys> dirichlet;
  dirichlet
      .key("parts", &DirichletKeys::parts,
           "boundary parts where u = g, e.g. \"left, right\" (box: left/right/bottom/top/front/back; Gmsh: the "
           "names of physical groups of dimension dim-1); empty: the whole boundary. Elsewhere a du/dn = 0")
      .def("\"\"");
  dirichlet.key("values", &DirichletKeys::values, "g on each listed part, or one value for all").def("[0.0]");

  OptionsSchema<S> o;
  o.map("mesh", &S::mesh, file_or_box_options(), "a Gmsh file, or a box mesh");
  o.key("degree", &S::degree, "Lagrange degree: 1 (P1/Q1) or 2 (P2, simplices)").at_least(1).at_most(2);
  o.map("coefficient", &S::coefficient, coefficient, "the conductivity a > 0");
  o.key("source", &S::source, "right-hand side f (constant)");
  o.map("dirichlet", &S::dirichlet, dirichlet, "u = g on boundary parts");
  o.map("petsc", &S::petsc, linear::krylov_options(), "linear solver (PETSc options after -- override these)");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision of a and u");
  o.file("out", &S::out, ValueKind::output_file, "the mesh dataset; its XDMF sidecar is written beside it");
  return o;
}

}  // namespace

Schema PoissonStage::schema() { return options().schema(); }

PoissonStage::PoissonStage(const StageConfig& config) {
  const Settings s = options().read(config);
  degree_ = s.degree;
  source_ = s.source;
  dirichlet_parts_ = split_names(s.dirichlet.parts);
  dirichlet_values_ = s.dirichlet.values;
  dtype_ = s.dtype;
  output_ = s.out;
  mesh_ = mesh_keys(s.mesh);
  const std::map<std::string, int> parts = known_boundary_parts(mesh_);
  FF_REQUIRE(degree_ == 1 || mesh_.box.simplex || !mesh_.file.empty(), InputError,
             "degree: P2 needs a simplex mesh (mesh.simplex: true)");
  check_part_names("dirichlet.parts", dirichlet_parts_, parts);
  const std::size_t n_parts = std::max<std::size_t>(dirichlet_parts_.size(), 1);
  FF_REQUIRE(dirichlet_values_.size() == 1 || dirichlet_values_.size() == n_parts, InputError,
             "dirichlet.values: give one value, or one per part ({} parts), got {}", n_parts, dirichlet_values_.size());

  const CoefficientKeys& c = s.coefficient;
  coefficient_.value = c.value;
  if (c.kind == CoefficientSource::Kind::grf) {
    coefficient_.kind = CoefficientSource::Kind::grf;
    // The dimension is the mesh's, known for boxes now and for files at run.
    coefficient_.grf = spectral::on_grid(c.covariance, mesh_.file.empty() ? mesh_.box.dim : 2, c.n);
    coefficient_.exponentiate = c.exponentiate;
    coefficient_.high = c.high;
    coefficient_.low = c.low;
  } else if (c.kind == CoefficientSource::Kind::file) {
    coefficient_.kind = CoefficientSource::Kind::file;
    FF_REQUIRE(!c.file.empty(), InputError, "coefficient.file: required when coefficient.kind is file");
    coefficient_.file = c.file;
    coefficient_.field = c.field;
    coefficient_.sample = c.sample;
  }
  solver_ = s.petsc;
}

void PoissonStage::run(const RunContext& context) {
  ScopedTimer timer("solve.poisson");
  double mesh_seconds = 0, coefficient_seconds = 0, solve_seconds = 0;
  const Mesh mesh = timed("poisson.mesh", mesh_seconds, [&] { return open_mesh(mesh_, PETSC_COMM_WORLD); });

  PoissonOptions options;
  options.degree = degree_;
  options.solver = solver_;
  options.solver.prefix = linear::options_prefix(context.stage_name);
  if (!dirichlet_parts_.empty()) {
    options.dirichlet.emplace();
    for (const std::string& part : dirichlet_parts_) options.dirichlet->push_back({part, -1});
  }
  // The space, its matrix pattern and the quadrature tables.
  const auto space_start = std::chrono::steady_clock::now();
  PoissonSolver poisson(mesh, options);
  const FeSpace& space = poisson.space();
  const double space_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - space_start).count();
  record_time("poisson.space", space_seconds);

  const CoefficientDraw draw{context.seed, context.stage_name, spectral::wisdom_file_for(context.stage_dir)};
  const std::vector<double> a =
      timed("poisson.coefficient", coefficient_seconds, [&] { return coefficient_at_dofs(space, coefficient_, draw); });
  for (long dof = 0; dof < space.local_size(); ++dof)
    FF_REQUIRE(a[dof] > 0 && std::isfinite(a[dof]), InputError,
               "coefficient: a must be positive and finite, got {} at ({:g})", a[dof],
               fmt::join(space.dof_coordinates(dof), space.dof_coordinates(dof) + space.dim(), ", "));

  PoissonData data;
  std::vector<double> cell_a(space.element().size());
  data.conductivity = [&](const IntegrationPoint& p) {
    const PetscInt* dofs = space.local_dofs(p.cell);
    for (int i = 0; i < p.size; ++i) cell_a[i] = a[dofs[i]];
    return p.interpolate(cell_a.data());
  };
  const double f = source_;
  data.source = [f](const IntegrationPoint&) { return f; };
  data.boundary_values.assign(space.local_size(), dirichlet_values_.front());
  // Parts listed later win at the vertices they share with earlier ones.
  if (dirichlet_values_.size() > 1)
    for (std::size_t k = 0; k < dirichlet_parts_.size(); ++k)
      for (long dof : space.part_dofs(dirichlet_parts_[k])) data.boundary_values[dof] = dirichlet_values_[k];

  const linear::KrylovResult result = timed("poisson.solve", solve_seconds, [&] { return poisson.solve(data); });

  DatasetLayout layout;
  layout.mesh = gather_mesh(space);
  const std::vector<double> a_nodes = gather_nodal_field(space, a);
  const std::vector<double> u_nodes = gather_nodal_field(space, poisson.solution());
  share_mesh_shape(layout.mesh, PETSC_COMM_WORLD);
  double lower[3], upper[3];
  node_bounding_box(space, lower, upper);
  std::vector<double> extent;
  for (int d = 0; d < space.dim(); ++d) extent.push_back(upper[d] - lower[d]);
  layout.grid = mesh_grid(layout.mesh, extent);
  const auto n_nodes = static_cast<std::uint64_t>(layout.grid.shape.front());
  // /outputs/u keeps what defines the problem; the solve's outcome and its
  // timings, which depend on the machine and the partition, go with the
  // residual history.
  layout.fields = {{"inputs/a", {n_nodes}, dtype_, {}},
                   {"outputs/u",
                    {n_nodes},
                    dtype_,
                    {{"source", source_}, {"degree", double(degree_)}, {"unknowns", double(space.global_size())}}},
                   {"solver/residual_history",
                    {result.residual_history.size()},
                    DType::float64,
                    {{"ksp_iterations", double(result.iterations)},
                     {"residual_norm", result.residual_norm},
                     {"rtol", solver_.rtol},
                     {"mesh_seconds", mesh_seconds},
                     {"space_seconds", space_seconds},
                     {"coefficient_seconds", coefficient_seconds},
                     {"solve_seconds", solve_seconds}}}};
  layout.split_contiguous(1, 0);
  DatasetWriter writer(output_, layout, context.provenance());
  if (writer.local_samples().size() > 0) {
    writer.write_sample("inputs/a", 0, a_nodes.data());
    writer.write_sample("outputs/u", 0, u_nodes.data());
    writer.write_sample("solver/residual_history", 0, result.residual_history.data());
  }
  writer.commit();

  const long n_cells = static_cast<long>(layout.mesh.cells.size()) / layout.mesh.nodes_per_cell;
  spdlog::info(
      "{}: {} {} cells, {} nodes, {} unknowns ({}): {} after {} Krylov iterations, residual {:.3e}; "
      "mesh {:.3f} s, space {:.3f} s, coefficient {:.3f} s, assembly + solve {:.3f} s",
      context.stage_name, n_cells, layout.mesh.cell_type, n_nodes, space.global_size(), space.element().name(),
      result.reason, result.iterations, result.residual_norm, mesh_seconds, space_seconds, coefficient_seconds,
      solve_seconds);
  spdlog::info("{}: wrote {} (open {} in ParaView)", context.stage_name, output_.string(),
               fs::path(output_).replace_extension(".xdmf").string());
}

}  // namespace ff::fem
