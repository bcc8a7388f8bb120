#include "solvers/fem/darcy_stage.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fem/stage_inputs.hpp"
#include "solvers/fourier/covariance_options.hpp"
#include "solvers/fourier/plan_sharing.hpp"
#include "solvers/linear/krylov_options.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

namespace ff::fem {

namespace {

// Every stride-th node of an n x n node grid: (n-1)/stride + 1 nodes per axis.
void take_every(const std::vector<double>& fine, int n, int stride, std::vector<double>& coarse) {
  const int s = (n - 1) / stride + 1;
  coarse.resize(static_cast<std::size_t>(s) * s);
  for (int i = 0; i < s; ++i)
    for (int j = 0; j < s; ++j)
      coarse[static_cast<std::size_t>(i) * s + j] = fine[static_cast<std::size_t>(i) * stride * n + j * stride];
}

// The keys of generate.darcy, declared once (io/options.hpp).
struct GridKeys {
  int n = 421;
  bool simplex = true;  // element p1, else q1
};

struct CoefficientKeys {
  spectral::GrfOptions covariance;  // put on the grid in the constructor
  double high = 12.0;
  double low = 3.0;
};

struct Settings {
  GridKeys grid;
  CoefficientKeys coefficient;
  double source = 1.0;
  std::vector<long> store_every{5, 3, 2, 1};
  linear::KrylovOptions petsc;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "darcy.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<GridKeys> grid;
  grid.key("n", &GridKeys::n, "solve grid: nodes per axis, spacing 1/(n-1)").at_least(3).at_most(8193).smoke(61);
  grid.choice("element", &GridKeys::simplex, {{"p1", true}, {"q1", false}},
              "p1 (each grid square cut into two triangles) or q1 (squares)")
      .def("p1");

  OptionsSchema<CoefficientKeys> coefficient;
  coefficient.merge(&CoefficientKeys::covariance, spectral::covariance_options(2.0, 3.0, 1.0));
  coefficient.key("high", &CoefficientKeys::high, "a where the GRF is >= 0").greater_than(0);
  coefficient.key("low", &CoefficientKeys::low, "a where the GRF is < 0").greater_than(0);

  OptionsSchema<S> o;
  o.map("grid", &S::grid, grid, "finite-element solve on the nodes of the unit square");
  o.map("coefficient", &S::coefficient, coefficient,
        "a = high where GRF >= 0, low elsewhere; GRF ~ N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha))");
  o.key("source", &S::source, "right-hand side f (constant)");
  o.key("store_every", &S::store_every,
        "stored grids: every k-th node per axis, (n-1)/k + 1 nodes; one file each (k must divide n-1)")
      .def("[5, 3, 2, 1]")
      .at_least(1);
  o.map("petsc", &S::petsc, linear::krylov_options(), "linear solver (PETSc options after -- override these)");
  o.map("samples", &S::samples, sample_split_options(1000, 200, 2, 1), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file,
         "file of the first store_every grid; the others are written beside it as <stem>_<nodes>.h5");
  return o;
}

}  // namespace

Schema DarcyStage::schema() { return options().schema(); }

DarcyStage::DarcyStage(const StageConfig& config) {
  const Settings keys = options().read(config);
  high_ = keys.coefficient.high;
  low_ = keys.coefficient.low;
  train_ = keys.samples.train;
  test_ = keys.samples.test;
  dtype_ = keys.dtype;
  solver_.n = keys.grid.n;
  solver_.simplex = keys.grid.simplex;
  solver_.source = keys.source;
  solver_.solver = keys.petsc;
  // The GRF lives on the periodic unit square; its n-1 distinct points are the
  // nodes, and the last row and column of nodes repeat the first.
  field_ = spectral::on_grid(keys.coefficient.covariance, 2, solver_.n - 1);

  const std::filesystem::path& first = keys.out;
  for (long k : keys.store_every) {
    FF_REQUIRE((solver_.n - 1) % k == 0, InputError,
               "store_every: {} does not divide grid.n - 1 = {} (stored grids take every k-th of the n nodes)", k,
               solver_.n - 1);
    strides_.push_back(static_cast<int>(k));
    const int s = (solver_.n - 1) / static_cast<int>(k) + 1;
    outputs_.push_back(outputs_.empty() ? first
                                        : first.parent_path() / (first.stem().string() + "_" + std::to_string(s) +
                                                                 first.extension().string()));
  }
  FF_REQUIRE(!strides_.empty(), InputError, "store_every: give at least one stride");
  for (std::size_t i = 1; i < strides_.size(); ++i)
    FF_REQUIRE(std::find(strides_.begin(), strides_.begin() + i, strides_[i]) == strides_.begin() + i, InputError,
               "store_every: stride {} repeats a stored grid", strides_[i]);
}

void DarcyStage::run(const RunContext& context) {
  ScopedTimer timer("generate.darcy");
  spectral::share_fft_plans([&] { spectral::GaussianRandomField planner(field_); },
                            spectral::wisdom_file_for(context.stage_dir));
  spectral::GaussianRandomField grf(field_);
  DarcyOptions options = solver_;
  options.solver.prefix = linear::options_prefix(context.stage_name);
  DarcySolver solver(options);
  const int n = solver_.n;

  std::vector<std::unique_ptr<DatasetWriter>> writers;
  for (std::size_t r = 0; r < strides_.size(); ++r) {
    const auto s = static_cast<std::uint64_t>((n - 1) / strides_[r] + 1);
    DatasetLayout layout;
    // Nodes at j/(s-1), both ends included: a closed (not periodic) grid.
    layout.grid.kind = "closed";
    layout.grid.shape = {static_cast<long>(s), static_cast<long>(s)};
    layout.grid.extent = {1.0, 1.0};
    layout.fields = {
        {"inputs/a",
         {s, s},
         dtype_,
         {{"high", high_}, {"low", low_}, {"alpha", field_.alpha}, {"tau", field_.tau}, {"sigma", field_.sigma}}},
        {"outputs/u", {s, s}, dtype_, {{"solve_n", double(n)}, {"source", solver_.source}}}};
    layout.split_contiguous(train_, test_);
    writers.push_back(std::make_unique<DatasetWriter>(outputs_[r], layout, context.provenance()));
  }

  // As generate.grf: the stream ties the randomness to this stage's name.
  const std::uint64_t stream = fnv1a64(context.stage_name);
  const int m = n - 1;
  std::vector<double> field(static_cast<std::size_t>(m) * m), a(static_cast<std::size_t>(n) * n), u(a.size()), stored;
  long iterations = 0, max_iterations = 0, solved = 0;
  double solve_seconds = 0;
  for_each_local_sample(*writers.front(), context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    grf.sample(rng, field.data());
    for (int x = 0; x < n; ++x)
      for (int y = 0; y < n; ++y)
        a[static_cast<std::size_t>(x) * n + y] = field[static_cast<std::size_t>(x % m) * m + y % m] >= 0 ? high_ : low_;
    ScopedTimer solve_timer("darcy.solve");
    const linear::KrylovResult result = solver.solve(a.data(), u.data());
    solve_seconds += solve_timer.elapsed();
    iterations += result.iterations;
    max_iterations = std::max(max_iterations, result.iterations);
    ++solved;
    for (std::size_t r = 0; r < writers.size(); ++r) {
      take_every(a, n, strides_[r], stored);
      writers[r]->write_sample("inputs/a", i, stored.data());
      take_every(u, n, strides_[r], stored);
      writers[r]->write_sample("outputs/u", i, stored.data());
    }
  });
  for (auto& writer : writers) writer->commit();
  if (solved > 0)
    spdlog::info(
        "{}: {} samples at {}^2 nodes ({}), on rank 0 {:.3f} s and {:.1f} Krylov iterations per solve (max {})",
        context.stage_name, train_ + test_, n, solver_.simplex ? "P1" : "Q1", solve_seconds / solved,
        double(iterations) / solved, max_iterations);
  for (const auto& path : outputs_) spdlog::info("{}: wrote {}", context.stage_name, path.string());
}

}  // namespace ff::fem
