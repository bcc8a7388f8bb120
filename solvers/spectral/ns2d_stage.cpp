#include "solvers/spectral/ns2d_stage.hpp"

#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fourier/covariance_options.hpp"
#include "solvers/fourier/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

namespace ff::spectral {

namespace {

struct Settings {
  struct Grid {
    int n = 256;
  };
  Grid grid;
  long store_n = 64;
  double nu = 1e-3, drag = 0.0, dt = 1e-4, max_cfl = 1.0, final_time = 50.0, record_every = 1.0;
  NavierStokes2DStage::Forcing forcing;
  GrfOptions initial;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "ns2d.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  using F = NavierStokes2DStage::Forcing;
  OptionsSchema<S::Grid> grid;
  grid.key("n", &S::Grid::n, "solve grid points per axis").at_least(8).at_most(8192).smoke(32);

  OptionsSchema<F> forcing;
  forcing
      .choice("kind", &F::kind, {{"fno", F::Kind::fno}, {"kolmogorov", F::Kind::kolmogorov}, {"none", F::Kind::none}},
              "fno: f = 0.1 (sin 2pi(x+y) + cos 2pi(x+y)); kolmogorov: f = -amplitude 2pi k cos(2pi k y), the curl "
              "of the body force (amplitude sin(2pi k y), 0); none")
      .def("fno");
  forcing.key("wavenumber", &F::wavenumber, "Kolmogorov wavenumber k").at_least(1);
  forcing.key("amplitude", &F::amplitude, "Kolmogorov body-force amplitude");

  OptionsSchema<S> o;
  o.map("grid", &S::grid, grid, "periodic solve grid on [0,1)^2");
  o.key("store_n", &S::store_n, "stored points per axis (every grid.n/store_n-th point)").at_least(2).smoke(16);
  o.key("nu", &S::nu, "viscosity").greater_than(0);
  o.key("drag", &S::drag, "linear drag mu (Kolmogorov flow)").at_least(0);
  o.key("dt", &S::dt, "time step").greater_than(0);
  o.key("max_cfl", &S::max_cfl, "stop a sample when dt*max(|u|+|v|)*n exceeds this").greater_than(0);
  o.key("final_time", &S::final_time, "end time T").greater_than(0).smoke(0.02);
  o.key("record_every", &S::record_every, "record w every this much time (a multiple of dt; T a multiple of it)")
      .greater_than(0)
      .smoke(0.01);
  o.map("forcing", &S::forcing, forcing, "time-independent vorticity forcing f");
  o.map("initial", &S::initial, covariance_options(2.5, 7.0, std::pow(7.0, 0.75)),
        "w0 ~ N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha))");
  o.map("samples", &S::samples, sample_split_options(1000, 200, 2, 1), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file, "dataset file");
  return o;
}

}  // namespace

Schema NavierStokes2DStage::schema() { return options().schema(); }

NavierStokes2DStage::NavierStokes2DStage(const StageConfig& config) {
  const Settings s = options().read(config);
  initial_ = on_grid(s.initial, 2, s.grid.n);
  forcing_ = s.forcing;
  recording_ = make_recording(s.grid.n, s.store_n, s.final_time, s.record_every);
  steps_per_record_ = steps_between(s.record_every, s.dt, "record_every", "dt");
  train_ = s.samples.train;
  test_ = s.samples.test;
  dtype_ = s.dtype;
  out_ = s.out;
  solver_.n = s.grid.n;
  solver_.nu = s.nu;
  solver_.drag = s.drag;
  solver_.dt = s.dt;
  solver_.max_cfl = s.max_cfl;
}

std::vector<double> NavierStokes2DStage::forcing() const {
  const int n = solver_.n;
  std::vector<double> f(static_cast<long>(n) * n, 0.0);
  if (forcing_.kind == Forcing::Kind::none) return f;
  const double two_pi = 2 * M_PI;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = double(i) / n, y = double(j) / n;
      const double k = forcing_.wavenumber;
      f[static_cast<long>(i) * n + j] = forcing_.kind == Forcing::Kind::fno
                                            ? 0.1 * (std::sin(two_pi * (x + y)) + std::cos(two_pi * (x + y)))
                                            : -forcing_.amplitude * two_pi * k * std::cos(two_pi * k * y);
    }
  return f;
}

void NavierStokes2DStage::run(const RunContext& context) {
  ScopedTimer timer("generate.ns2d");
  const std::vector<double> f = forcing();
  share_fft_plans(
      [&] {
        NavierStokes2D plan_solver(solver_, f);
        GaussianRandomField plan_grf(initial_);
      },
      wisdom_file_for(context.stage_dir));
  NavierStokes2D ns(solver_, f);
  GaussianRandomField grf(initial_);

  const auto s = static_cast<std::uint64_t>(recording_.store_n);
  const long plane = static_cast<long>(recording_.store_n) * recording_.store_n,
             n_times = static_cast<long>(recording_.times.size());
  DatasetLayout layout;
  layout.grid.shape = {recording_.store_n, recording_.store_n};
  layout.grid.extent = {1.0, 1.0};
  layout.times = recording_.times;
  layout.fields = {{"inputs/w0", {s, s}, dtype_, {}},
                   {"inputs/f", {s, s}, dtype_, {}},
                   {"outputs/w",
                    {static_cast<std::uint64_t>(n_times), s, s},
                    dtype_,
                    {{"solve_n", double(solver_.n)}, {"dt", solver_.dt}, {"drag", solver_.drag}}},
                   {"params/nu", {}, DType::float64, {}}};
  layout.split_contiguous(train_, test_);

  DatasetWriter writer(out_, layout, context.provenance());
  std::vector<double> stored_f(plane);
  subsample(f.data(), 2, solver_.n, recording_.stride, stored_f.data());
  const std::uint64_t stream = fnv1a64(context.stage_name);
  std::vector<double> w(f.size()), stored(plane), trajectory(n_times * plane);
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    grf.sample(rng, w.data());
    subsample(w.data(), 2, solver_.n, recording_.stride, stored.data());
    writer.write_sample("inputs/w0", i, stored.data());
    writer.write_sample("inputs/f", i, stored_f.data());
    ns.set_vorticity(w.data());
    for (long t = 0; t < n_times; ++t) {
      ns.advance(steps_per_record_);
      ns.vorticity(w.data());
      subsample(w.data(), 2, solver_.n, recording_.stride, trajectory.data() + t * plane);
    }
    writer.write_sample("outputs/w", i, trajectory.data());
    writer.write_sample("params/nu", i, &solver_.nu);
  });
  writer.commit();
  spdlog::info("{}: wrote {} samples, {} records of {}^2 (solved at {}^2, {} steps each)", context.stage_name,
               layout.n_samples, n_times, recording_.store_n, solver_.n, steps_per_record_ * n_times);
}

}  // namespace ff::spectral
